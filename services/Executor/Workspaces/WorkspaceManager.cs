using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Agentic.Executor.Options;
using Agentic.Git;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Workspaces;

/// <summary>
/// One bare mirror per repository under <c>{WorkspaceRoot}/mirrors</c>, cloned once and fetched after, and a fresh
/// working copy per attempt under <c>{WorkspaceRoot}/work</c> (<c>git clone --shared</c>: no objects copied). Operations
/// on one mirror are serialised.
/// </summary>
public sealed partial class WorkspaceManager(GitCli git, IOptions<ExecutorOptions> options, TimeProvider timeProvider, ILogger<WorkspaceManager> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public string MirrorsRoot => Path.Combine(options.Value.WorkspaceRoot, "mirrors");

    public string WorkRoot => Path.Combine(options.Value.WorkspaceRoot, "work");

    public string MirrorPath(string owner, string name) => Path.Combine(MirrorsRoot, Safe(owner), $"{Safe(name)}.git");

    public async Task<Workspace> PrepareAsync(RepositorySource source, string headSha, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!ShaPattern().IsMatch(headSha))
        {
            throw new WorkspaceException($"'{headSha}' is not a commit SHA.");
        }

        var started = timeProvider.GetTimestamp();
        var mirror = MirrorPath(source.Owner, source.Name);
        var gate = _locks.GetOrAdd(mirror, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var refresh = await RefreshMirrorAsync(source, mirror, headSha, cancellationToken);
            Directory.CreateDirectory(WorkRoot);
            var directory = Path.Combine(WorkRoot, $"{Safe(source.Name)}-{Guid.NewGuid():N}");
            try
            {
                await git.RunCheckedAsync(WorkRoot, ["clone", "--quiet", "--shared", "--no-checkout", mirror, directory], null, cancellationToken);
                await git.RunCheckedAsync(directory, ["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", headSha], null, cancellationToken);
            }
            catch
            {
                DeleteDirectory(directory);
                throw;
            }

            var elapsed = timeProvider.GetElapsedTime(started);
            LogPrepared(logger, source.Owner, source.Name, headSha, refresh, elapsed.TotalMilliseconds);
            return new Workspace(directory, mirror, headSha, refresh, elapsed);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<MirrorRefresh> RefreshMirrorAsync(RepositorySource source, string mirror, string headSha, CancellationToken cancellationToken)
    {
        var url = source.CloneUrl.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped);
        if (!File.Exists(Path.Combine(mirror, "HEAD")))
        {
            DeleteDirectory(mirror);
            Directory.CreateDirectory(Path.GetDirectoryName(mirror)!);
            var partial = $"{mirror}.partial-{Guid.NewGuid():N}";
            try
            {
                await git.RunCheckedAsync(MirrorsRoot, ["clone", "--quiet", "--mirror", url, partial], source.Token, cancellationToken);
                await git.RunCheckedAsync(partial, ["config", "gc.auto", "0"], null, cancellationToken);
                Directory.Move(partial, mirror);
            }
            catch
            {
                DeleteDirectory(partial);
                throw;
            }

            await EnsureCommitAsync(source, mirror, url, headSha, cancellationToken);
            return MirrorRefresh.Cloned;
        }

        if (await HasCommitAsync(mirror, headSha, cancellationToken))
        {
            return MirrorRefresh.Reused;
        }

        await git.RunCheckedAsync(mirror, ["fetch", "--quiet", "--prune", url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*", "+refs/pull/*:refs/pull/*"], source.Token, cancellationToken);
        await EnsureCommitAsync(source, mirror, url, headSha, cancellationToken);
        return MirrorRefresh.Fetched;
    }

    private async Task EnsureCommitAsync(RepositorySource source, string mirror, string url, string headSha, CancellationToken cancellationToken)
    {
        if (await HasCommitAsync(mirror, headSha, cancellationToken))
        {
            return;
        }

        // A commit no ref advertises (e.g. a fork's head): ask for it by id, as GitHub allows.
        var byId = await git.RunAsync(mirror, ["fetch", "--quiet", url, headSha], source.Token, cancellationToken);
        if (!byId.Succeeded || !await HasCommitAsync(mirror, headSha, cancellationToken))
        {
            throw new WorkspaceException($"Commit {headSha} is not in {source.Owner}/{source.Name}.");
        }
    }

    private async Task<bool> HasCommitAsync(string mirror, string sha, CancellationToken cancellationToken) =>
        (await git.RunAsync(mirror, ["cat-file", "-e", $"{sha}^{{commit}}"], null, cancellationToken)).Succeeded;

    /// <summary>Working copies left behind by a crash.</summary>
    public void DeleteStaleWorkspaces(TimeSpan olderThan)
    {
        if (!Directory.Exists(WorkRoot))
        {
            return;
        }

        var cutoff = timeProvider.GetUtcNow().UtcDateTime - olderThan;
        foreach (var directory in Directory.EnumerateDirectories(WorkRoot))
        {
            if (Directory.GetCreationTimeUtc(directory) < cutoff)
            {
                DeleteDirectory(directory);
            }
        }
    }

    public void Dispose()
    {
        foreach (var gate in _locks.Values)
        {
            gate.Dispose();
        }
    }

    internal static void DeleteDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(directory, recursive: true);
    }

    private static string Safe(string segment) =>
        SegmentPattern().IsMatch(segment) && segment is not ("." or "..")
            ? segment
            : throw new WorkspaceException($"'{segment}' is not a valid repository owner or name.");

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?$")]
    private static partial Regex ShaPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex SegmentPattern();

    [LoggerMessage(1, LogLevel.Information, "Workspace for {Owner}/{Name} at {HeadSha}: mirror {Refresh}, ready in {ElapsedMs:0} ms")]
    private static partial void LogPrepared(ILogger logger, string owner, string name, string headSha, MirrorRefresh refresh, double elapsedMs);
}
