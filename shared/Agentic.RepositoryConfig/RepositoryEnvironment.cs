using System.Text.RegularExpressions;

namespace Agentic.RepositoryConfig;

/// <summary>
/// The rules for non-secret variables a repository (or its CI job) sets for its commands: plain names, values without
/// control characters or expressions, and never a variable that changes what gets loaded or where tools look
/// (<c>LD_*</c>, <c>*PATH</c>, <c>HOME</c>, shell start-up files, proxies, the package managers' cache and offline settings).
/// </summary>
public static partial class RepositoryEnvironment
{
    public const int MaxValueLength = 4096;

    private static readonly string[] DeniedPrefixes = ["LD_", "DYLD_", "NPM_CONFIG_", "YARN_", "PNPM_", "NUGET_", "PIP_", "GIT_", "BASH_", "AGENTIC_"];

    private static readonly HashSet<string> DeniedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "HOME", "TMPDIR", "SHELL", "ENV", "IFS", "PS4", "SHELLOPTS", "BASHOPTS", "NODE_OPTIONS", "DOTNET_CLI_HOME",
        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "PYTHONSTARTUP", "PYTHONHOME", "PERL5OPT", "RUBYOPT",
        "JAVA_TOOL_OPTIONS", "DOTNET_STARTUP_HOOKS", "CORECLR_PROFILER", "CORECLR_ENABLE_PROFILING", "LANG", "LC_ALL",
    };

    /// <summary>The problem with <paramref name="name"/>=<paramref name="value"/>, or null when it may be set.</summary>
    public static string? Problem(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!Name().IsMatch(name))
        {
            return $"'{name}' is not a variable name (letters, digits and _, not starting with a digit)";
        }

        var upper = name.ToUpperInvariant();
        if (DeniedNames.Contains(name) || upper.EndsWith("PATH", StringComparison.Ordinal) || DeniedPrefixes.Any(p => upper.StartsWith(p, StringComparison.Ordinal)))
        {
            return $"'{name}' cannot be set: it changes what is loaded or where tools look";
        }

        if (value.Length > MaxValueLength || value.Any(c => char.IsControl(c) && c != '\t'))
        {
            return $"the value of '{name}' is too long or has control characters";
        }

        return value.Contains("${{", StringComparison.Ordinal) ? $"the value of '{name}' is an expression; only literal, non-secret values are allowed" : null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex Name();
}
