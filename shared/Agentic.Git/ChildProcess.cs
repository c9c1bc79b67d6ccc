using System.ComponentModel;
using System.Diagnostics;

namespace Agentic.Git;

/// <summary>The plumbing every runner of a child process needs: feeding its standard input and killing its whole tree.</summary>
public static class ChildProcess
{
    /// <summary>Writes <paramref name="input"/> (if any) to standard input and closes it; a child that stops reading is not an error.</summary>
    public static async Task WriteInputAsync(Process process, byte[]? input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (input is { Length: > 0 })
            {
                await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken);
            }

            process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The process did not read all of its input; its exit code tells the story.
        }
    }

    /// <summary>Kills the process and all its descendants; one that has already exited is left alone.</summary>
    public static void KillTree(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // Already exited, or exited while its children were enumerated.
        }
    }
}
