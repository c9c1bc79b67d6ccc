using System.Globalization;
using Agentic.Executor.Sandbox;

namespace Agentic.Executor.Reproduction;

/// <summary>
/// Whether the reproduction failed the way CI's run failed. Deliberately simple and explainable: the exit code's class
/// (an ordinary failure, 1–125, against a command not found or not executable, 126/127, a signal, 128+, or a limit) and,
/// when the analysis named files or tests, at least one of their file names in our output. CI's own exit code is not
/// known here; a failure of the ordinary class that names what CI's failure is about counts as the same failure.
/// </summary>
public static class FailureSignature
{
    /// <summary>Null when <paramref name="result"/> (a failed run) fails as CI did; else how it differs.</summary>
    public static string? Difference(SandboxResult result, IReadOnlyList<string> failureFiles)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(failureFiles);
        if (result.TimedOut)
        {
            return "it timed out here";
        }

        if (result.OutputLimitExceeded)
        {
            return "it exceeded the output limit here";
        }

        switch (result.ExitCode)
        {
            case 127:
                return "a command it runs is not installed here (exit 127, command not found)";
            case 126:
                return "a command it runs cannot be executed here (exit 126)";
            case > 128:
                return string.Create(CultureInfo.InvariantCulture, $"it was killed by signal {result.ExitCode - 128} here (exit {result.ExitCode})");
            case < 0:
                return string.Create(CultureInfo.InvariantCulture, $"it ended abnormally here (exit {result.ExitCode})");
            default:
                break;
        }

        var names = failureFiles.Select(Name).Where(n => n.Length >= 3).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0 || names.Any(n => result.OutputTail.Contains(n, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return $"its output here names none of the files the CI failure is about ({string.Join(", ", names.Take(5))})";
    }

    /// <summary>The last part of a path (<c>src/a.test.ts</c> → <c>a.test.ts</c>); a test name is kept whole.</summary>
    private static string Name(string file)
    {
        var trimmed = file.Trim();
        var slash = trimmed.LastIndexOfAny(['/', '\\']);
        return slash >= 0 ? trimmed[(slash + 1)..] : trimmed;
    }
}
