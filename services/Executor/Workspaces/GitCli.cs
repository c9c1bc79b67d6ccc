using System.Text;
using Agentic.Executor.Options;
using Agentic.Executor.Processes;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Workspaces;

/// <summary>
/// The host-side <c>git</c> CLI. A token goes only into the child's environment as
/// <c>GIT_CONFIG_KEY_0=http.extraHeader</c> (readable by the same user only, unlike a command line in /proc),
/// never into a config file, and never into a sandbox.
/// </summary>
public sealed class GitCli(ProcessRunner runner, IOptions<ExecutorOptions> options)
{
    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_ASKPASS"] = "/bin/false",
        ["SSH_ASKPASS"] = "/bin/false",
        ["GCM_INTERACTIVE"] = "never",
        ["LC_ALL"] = "C",
    };

    public async Task<ProcessResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, string? token, CancellationToken cancellationToken, bool captureOutput = false, byte[]? input = null, long maxOutputBytes = 64L * 1024 * 1024)
    {
        var argv = new List<string> { "-c", "core.hooksPath=/dev/null", "-c", "credential.helper=" };
        var environment = Environment;
        if (token is not null)
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"x-access-token:{token}"));
            environment = new Dictionary<string, string?>(Environment)
            {
                ["GIT_CONFIG_COUNT"] = "1",
                ["GIT_CONFIG_KEY_0"] = "http.extraHeader",
                ["GIT_CONFIG_VALUE_0"] = $"Authorization: Basic {basic}",
            };
        }

        argv.AddRange(arguments);
        var result = await runner.RunAsync(new ProcessRequest
        {
            FileName = "git",
            Arguments = argv,
            WorkingDirectory = workingDirectory,
            Environment = environment,
            Timeout = options.Value.GitTimeout,
            CaptureStandardOutput = captureOutput,
            StandardInput = input,
            MaxOutputBytes = maxOutputBytes,
            TailBytes = 8 * 1024,
        }, cancellationToken);
        return result with { OutputTail = OutputScrubber.Scrub(result.OutputTail, token is null ? null : [token]) };
    }

    public async Task<ProcessResult> RunCheckedAsync(string workingDirectory, IEnumerable<string> arguments, string? token, CancellationToken cancellationToken, bool captureOutput = false)
    {
        var list = arguments.ToList();
        var result = await RunAsync(workingDirectory, list, token, cancellationToken, captureOutput);
        return result.Succeeded
            ? result
            : throw new WorkspaceException($"git {list.FirstOrDefault()} failed (exit {result.ExitCode}{(result.TimedOut ? ", timed out" : "")}): {result.OutputTail.Trim()}");
    }
}

/// <summary>A workspace could not be prepared (clone, fetch, checkout).</summary>
public sealed class WorkspaceException(string message) : Exception(message);
