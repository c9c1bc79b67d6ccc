using System.Text.RegularExpressions;
using Agentic.Executor.Commands.Fixers;
using Agentic.Executor.Sandbox;

namespace Agentic.Executor.Commands;

/// <summary>
/// <c>format</c>: the repository's own formatter or lint fixer on the files of the failure. Arguments (all optional):
/// <c>tool</c> (one of <see cref="FixerCatalog"/>, as the analysis found it; without it every fixer the repository
/// declares runs in turn), <c>mode</c> (the tool's modes, e.g. dotnet format's <c>whitespace style</c>), <c>paths</c>
/// (repository paths, one a line, from the failure's log: untrusted, each checked; files not in the working copy are
/// dropped; without paths the tool's own default scope) and <c>diagnostics</c> (analyzer ids for dotnet format).
/// A tool the repository declares but has not installed is named as such, never reported as unknown. A lint fixer's
/// edits can break a file's formatting (eslint's <c>no-else-return</c> fix keeps the unwrapped block's indentation): the
/// named files a declared formatter passed before the fix are formatted again after it.
/// </summary>
public sealed partial class FormatCommand(SandboxRunner sandbox, FixerCatalog fixers) : ILibraryCommand
{
    public const int MaxPaths = 200;
    public const int MaxDiagnostics = 50;

    /// <summary>Beyond this many named files, a lint fix is not followed by the formatters (each file is checked on its own).</summary>
    public const int MaxFormatChecks = 20;

    public string Name => "format";

    public string? ValidateArguments(IReadOnlyDictionary<string, string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (ArgumentRules.OnlyKeys(arguments, "tool", "mode", "paths", "diagnostics") is { } unknown)
        {
            return unknown;
        }

        Fixer? fixer = null;
        if (arguments.TryGetValue("tool", out var tool) && (fixer = fixers.Find(tool)) is null)
        {
            return $"unknown tool '{tool}'; the library has {string.Join(", ", fixers.Names)}";
        }

        if (arguments.TryGetValue("mode", out var mode))
        {
            if (fixer is null || fixer.Modes.Count == 0)
            {
                return "mode needs a tool that has modes";
            }

            if (Split(mode).FirstOrDefault(m => !fixer.Modes.Contains(m, StringComparer.Ordinal)) is { } wrong || Split(mode).Length == 0)
            {
                return $"mode must be among {string.Join(", ", fixer.Modes)}";
            }
        }

        if (arguments.TryGetValue("diagnostics", out var diagnostics))
        {
            var ids = Split(diagnostics);
            if (fixer is not { TakesDiagnostics: true })
            {
                return "diagnostics need a tool that takes them (dotnet-format)";
            }

            if (ids.Length > MaxDiagnostics || ids.Any(id => !DiagnosticId().IsMatch(id)))
            {
                return $"diagnostics must be at most {MaxDiagnostics} analyzer ids such as IDE0055 or CA1822";
            }
        }

        if (arguments.TryGetValue("paths", out var paths))
        {
            var list = Lines(paths);
            return list.Length > MaxPaths
                ? $"at most {MaxPaths} paths"
                : list.Select(ArgumentRules.RepositoryPath).FirstOrDefault(problem => problem is not null);
        }

        return null;
    }

    public async Task<CommandRunResult> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var arguments = context.Arguments;
        var named = arguments.TryGetValue("tool", out var tool) ? fixers.Find(tool) : null;
        var diagnostics = arguments.TryGetValue("diagnostics", out var ids) ? Split(ids) : [];
        string[] files = [];
        if (arguments.TryGetValue("paths", out var given) && Lines(given) is { Length: > 0 } paths)
        {
            if (paths.FirstOrDefault(p => ArgumentRules.CrossesSymlink(context.Workspace, p)) is { } linked)
            {
                return new(CommandStatus.Refused, $"'{linked}' goes through a symbolic link");
            }

            files = [.. paths.Where(p => File.Exists(Path.Combine(context.Workspace, p))).Distinct(StringComparer.Ordinal)];
            if (files.Length == 0)
            {
                return new(CommandStatus.NotApplicable, $"none of the files the failure names is in the working copy ({Shorten(string.Join(", ", paths))})");
            }
        }

        // Files each declared formatter passes now, to format again after a lint fixer changed them.
        var keepFormatted = named is { IsFormatter: false } && files.Length > 0 ? await FormattedAsync(context, files, cancellationToken) : [];
        var skipped = new List<string>();
        var notInstalled = new List<string>();
        var ran = new List<string>();
        var formattersOnly = true;
        SandboxResult? last = null;
        foreach (var fixer in named is null ? fixers.All : [named])
        {
            var resolution = fixer.Resolve(context.Workspace);
            if (resolution.Availability != FixerAvailability.Installed)
            {
                (resolution.Availability == FixerAvailability.DeclaredNotInstalled ? notInstalled : skipped).Add(resolution.Reason);
                continue;
            }

            string[] scoped = [.. files.Where(fixer.WorksOn)];
            if (files.Length > 0 && scoped.Length == 0)
            {
                skipped.Add($"{fixer.Name} works on none of the named files");
                continue;
            }

            var modes = arguments.TryGetValue("mode", out var mode) && named is not null ? Split(mode) : [fixer.Modes.Count > 0 ? fixer.Modes[0] : ""];
            foreach (var current in modes)
            {
                if (fixer.CannotRun(resolution, current) is { } cannot)
                {
                    skipped.Add(cannot);
                    continue;
                }

                var argv = fixer.Arguments(resolution, current, scoped, diagnostics);
                var commandLine = Describe(argv);
                var result = await sandbox.RunAsync(Request(context, argv), cancellationToken);
                var outcome = CommandRunResult.From(result, [.. fixer.AcceptableExitCodes(current)]);
                if (outcome.Status != CommandStatus.Ran)
                {
                    return outcome with { Message = $"{commandLine}: {outcome.Message}", CommandLine = commandLine };
                }

                ran.Add(commandLine);
                formattersOnly &= fixer.IsFormatter;
                last = result;
            }
        }

        foreach (var (formatter, resolution, formatted) in ran.Count > 0 ? keepFormatted : [])
        {
            var argv = formatter.Arguments(resolution, formatter.Modes.Count > 0 ? formatter.Modes[0] : "", formatted, []);
            var result = await sandbox.RunAsync(Request(context, argv), cancellationToken);
            var outcome = CommandRunResult.From(result, [.. formatter.AcceptableExitCodes("")]);
            if (outcome.Status != CommandStatus.Ran)
            {
                return outcome with { Message = $"{Describe(argv)}: {outcome.Message}", CommandLine = Describe(argv) };
            }

            ran.Add(Describe(argv));
            last = result;
        }

        if (ran.Count == 0)
        {
            var reason = notInstalled.Count > 0 ? string.Join("; ", notInstalled)
                : named is not null ? string.Join("; ", skipped)
                : $"the repository declares none of the fixers Agentic knows ({string.Join(", ", fixers.Names)})";
            return new(CommandStatus.NotApplicable, reason);
        }

        var commandLines = string.Join("; ", ran);
        var why = formattersOnly ? "the failure is not a formatting one the tool fixes" : "the problems are not ones the tool fixes automatically";
        return new(CommandStatus.Ran, null, last)
        {
            CommandLine = commandLines,
            NoChangeReason = $"{commandLines} changed nothing: {why}",
        };
    }

    /// <summary>Per declared, installed formatter with a check: the named files it works on that it passes as they are.</summary>
    private async Task<List<(Fixer Formatter, FixerResolution Resolution, string[] Files)>> FormattedAsync(CommandContext context, string[] files, CancellationToken cancellationToken)
    {
        var formatted = new List<(Fixer, FixerResolution, string[])>();
        foreach (var formatter in fixers.All.Where(f => f.IsFormatter))
        {
            var resolution = formatter.Resolve(context.Workspace);
            string[] scoped = [.. files.Where(formatter.WorksOn)];
            if (resolution.Availability != FixerAvailability.Installed || scoped.Length is 0 or > MaxFormatChecks || formatter.CheckArguments(resolution, scoped) is null)
            {
                continue;
            }

            var passing = new List<string>();
            foreach (var file in scoped)
            {
                if ((await sandbox.RunAsync(Request(context, formatter.CheckArguments(resolution, [file])!), cancellationToken)).Succeeded)
                {
                    passing.Add(file);
                }
            }

            if (passing.Count > 0)
            {
                formatted.Add((formatter, resolution, [.. passing]));
            }
        }

        return formatted;
    }

    private static SandboxRequest Request(CommandContext context, IReadOnlyList<string> argv) => new()
    {
        Workspace = context.Workspace,
        Arguments = argv,
        Timeout = context.Timeout,
        ReadOnlyPaths = context.ReadOnlyPaths,
    };

    /// <summary>The command as a person would type it: the program's name, its arguments without the <c>--</c> separator, cut to a length.</summary>
    internal static string Describe(IReadOnlyList<string> argv) =>
        Shorten(string.Join(" ", argv.Skip(1).Where(a => a != "--").Prepend(Path.GetFileName(argv[0]))));

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static string[] Lines(string value) => value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] Split(string value) => value.Split([' ', '\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex("^[A-Za-z]{1,12}[0-9]{1,6}$", RegexOptions.CultureInvariant)]
    private static partial Regex DiagnosticId();
}
