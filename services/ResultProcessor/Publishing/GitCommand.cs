using System.Diagnostics;
using System.Text;

namespace Agentic.ResultProcessor.Publishing;

/// <summary>
/// Runs the <c>git</c> CLI with an argument list (never a shell). Credentials travel only in the child's environment
/// (<c>GIT_CONFIG_*</c>), never on its command line, in a config file or in output.
/// </summary>
public static class GitCommand
{
    public static async Task<string> RunAsync(
        string workingDirectory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, string? input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new GitCommandException(arguments.Count > 0 ? arguments[0] : "git", process.ExitCode, await error);
        }

        return (await output).Trim();
    }

    /// <summary>An environment that adds <c>Authorization: Basic x-access-token:TOKEN</c> to git's HTTP requests.</summary>
    public static Dictionary<string, string> WithToken(string token) => new()
    {
        ["GIT_CONFIG_COUNT"] = "1",
        ["GIT_CONFIG_KEY_0"] = "http.extraHeader",
        ["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + token)),
    };
}

/// <summary>A git command failed; the message carries git's own error text (which never contains the token).</summary>
public sealed class GitCommandException(string command, int exitCode, string error)
    : Exception($"git {command} failed with exit code {exitCode}: {error.Trim()}")
{
    public int ExitCode { get; } = exitCode;

    public string Error { get; } = error;
}
