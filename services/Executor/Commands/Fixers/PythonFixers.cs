namespace Agentic.Executor.Commands.Fixers;

/// <summary>A Python tool the project declares (pyproject.toml, requirements files), from its virtual environment or the machine.</summary>
public abstract class PythonFixer(string tool) : Fixer
{
    public override FixerResolution Resolve(string workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!DeclaredTools.PythonDeclares(workspace, tool))
        {
            return FixerResolution.NotDeclared($"the repository does not declare {tool} (pyproject.toml or requirements files)");
        }

        return DeclaredTools.PythonBinary(workspace, tool) is { } program
            ? FixerResolution.Found(program)
            : FixerResolution.NotInstalled($"{tool} is declared by the Python project but not installed: dependencies were not set up");
    }

    public override bool WorksOn(string path) => HasExtension(path, ".py", ".pyi");
}

/// <summary><c>black</c> over the named files.</summary>
public sealed class BlackFixer() : PythonFixer("black")
{
    public override string Name => "black";

    public override IReadOnlyList<string> Arguments(FixerResolution resolution, string mode, IReadOnlyList<string> paths, IReadOnlyList<string> diagnostics) =>
        [resolution.Program!, "--quiet", "--", .. paths.Count == 0 ? ["."] : paths];

    public override IReadOnlyList<string>? CheckArguments(FixerResolution resolution, IReadOnlyList<string> paths) =>
        [resolution.Program!, "--check", "--quiet", "--", .. paths];
}

/// <summary><c>ruff format</c> or <c>ruff check --fix</c> (exit 1: violations left that it cannot fix, still a run).</summary>
public sealed class RuffFixer() : PythonFixer("ruff")
{
    public override string Name => "ruff";

    public override IReadOnlyList<string> Modes => ["check", "format"];

    public override bool IsFormatter => false;

    public override IReadOnlyList<string> Arguments(FixerResolution resolution, string mode, IReadOnlyList<string> paths, IReadOnlyList<string> diagnostics) => mode == "format"
        ? [resolution.Program!, "format", "--no-cache", "--", .. paths.Count == 0 ? ["."] : paths]
        : [resolution.Program!, "check", "--fix", "--no-cache", "--", .. paths.Count == 0 ? ["."] : paths];

    public override IReadOnlyList<int> AcceptableExitCodes(string mode) => mode == "format" ? [] : [1];
}
