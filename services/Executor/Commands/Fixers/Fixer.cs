namespace Agentic.Executor.Commands.Fixers;

/// <summary>Whether the repository uses a fixer, and where its program is.</summary>
public enum FixerAvailability
{
    /// <summary>The repository does not declare the tool.</summary>
    NotDeclared,

    /// <summary>Declared (package.json, pyproject, go.mod, a .NET project) but its program is not there: dependencies were not set up.</summary>
    DeclaredNotInstalled,

    Installed,
}

/// <summary>How <see cref="Fixer.Resolve"/> found the tool: its program (as the sandbox runs it) or why not.</summary>
public sealed record FixerResolution(FixerAvailability Availability, string Reason, string? Program = null, string? Target = null)
{
    public static FixerResolution NotDeclared(string reason) => new(FixerAvailability.NotDeclared, reason);

    public static FixerResolution NotInstalled(string reason) => new(FixerAvailability.DeclaredNotInstalled, reason);

    public static FixerResolution Found(string program, string? target = null) => new(FixerAvailability.Installed, "installed", program, target);
}

/// <summary>
/// A deterministic formatter or lint fixer of the library: resolved from the repository's own declarations (never
/// installed by Agentic), run offline in the sandbox on the files the failure names (or the tool's own default
/// scope when none are named). Arguments are built as argv, never a shell line; every path was checked by
/// <see cref="ArgumentRules.RepositoryPath"/> before.
/// </summary>
public abstract class Fixer
{
    /// <summary>The tool's name in the library, e.g. <c>prettier</c> or <c>dotnet-format</c> (the <c>tool</c> argument of <c>format</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The modes the tool has (the first is the default); empty when it has one way to run.</summary>
    public virtual IReadOnlyList<string> Modes => [];

    /// <summary>True for formatters (layout only), false for lint fixers; only changes the wording of a no-op.</summary>
    public virtual bool IsFormatter => true;

    /// <summary>Whether the tool takes <c>diagnostics</c> (analyzer ids) to limit what it fixes.</summary>
    public virtual bool TakesDiagnostics => false;

    public abstract FixerResolution Resolve(string workspace);

    /// <summary>Whether the tool works on <paramref name="path"/> (by extension); files it does not handle are not passed.</summary>
    public virtual bool WorksOn(string path) => true;

    /// <summary>Why the tool cannot run in <paramref name="mode"/> here, or null.</summary>
    public virtual string? CannotRun(FixerResolution resolution, string mode) => null;

    /// <summary>The argv for one run in <paramref name="mode"/> over <paramref name="paths"/> (empty: the tool's default scope).</summary>
    public abstract IReadOnlyList<string> Arguments(FixerResolution resolution, string mode, IReadOnlyList<string> paths, IReadOnlyList<string> diagnostics);

    /// <summary>A formatter's check of <paramref name="paths"/>, exit 0 when they are formatted; null when it has none.</summary>
    public virtual IReadOnlyList<string>? CheckArguments(FixerResolution resolution, IReadOnlyList<string> paths) => null;

    /// <summary>Exit codes other than 0 that still mean the tool ran (e.g. problems left that it cannot fix).</summary>
    public virtual IReadOnlyList<int> AcceptableExitCodes(string mode) => [];

    protected static bool HasExtension(string path, params string[] extensions) =>
        extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
