using System.Diagnostics;
using System.Text;

namespace Agentic.StandIns.GitHub;

/// <summary>The outcome of one <c>git</c> invocation.</summary>
public sealed record GitCommandResult(int ExitCode, byte[] Output, string Error)
{
    public string OutputText => Encoding.UTF8.GetString(Output);

    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with git's stderr unless the command succeeded; returns the trimmed stdout.</summary>
    public string EnsureSuccess(string what) =>
        Succeeded ? OutputText.Trim() : throw new InvalidOperationException($"git {what} failed ({ExitCode}): {Error.Trim()}");
}

/// <summary>
/// Runs the <c>git</c> CLI isolated from the machine's configuration (no system or global config, no prompts, a
/// fixed identity), as the stand-in and the tests that clone and push through it need.
/// </summary>
public static class GitCommand
{
    public static async Task<GitCommandResult> RunAsync(
        string workingDirectory,
        IEnumerable<string> arguments,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        byte[]? input = null)
    {
        using var process = new Process { StartInfo = CreateStartInfo(workingDirectory, arguments, environment) };
        process.Start();
        var output = new MemoryStream();
        var outputTask = process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
        var errorTask = process.StandardError.ReadToEndAsync(cancellationToken);
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken);
        }

        process.StandardInput.Close();
        try
        {
            await Task.WhenAll(outputTask, errorTask);
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new GitCommandResult(process.ExitCode, output.ToArray(), await errorTask);
    }

    /// <summary>A start info for <c>git</c> with the isolated environment (used for <c>git http-backend</c> too).</summary>
    public static ProcessStartInfo CreateStartInfo(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var env = startInfo.Environment;
        env["GIT_CONFIG_NOSYSTEM"] = "1";
        env["GIT_CONFIG_GLOBAL"] = "/dev/null";
        env["GIT_TERMINAL_PROMPT"] = "0";
        env["GIT_ASKPASS"] = "";
        env["SSH_ASKPASS"] = "";
        env["GCM_INTERACTIVE"] = "never";
        env["LC_ALL"] = "C";
        env["GIT_AUTHOR_NAME"] = "Agentic Stand-in";
        env["GIT_AUTHOR_EMAIL"] = "stand-in@agentic.invalid";
        env["GIT_COMMITTER_NAME"] = "Agentic Stand-in";
        env["GIT_COMMITTER_EMAIL"] = "stand-in@agentic.invalid";
        foreach (var name in new[] { "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PROTOCOL" })
        {
            env.Remove(name);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                env[name] = value;
            }
        }

        return startInfo;
    }
}
