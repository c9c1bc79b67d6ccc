using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Agentic.Executor.Options;
using Agentic.Git;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Workspaces;

/// <summary>
/// One bare mirror per repository under <c>{WorkspaceRoot}/mirrors/{installation id}/{repository id}.git</c> (ids, not
/// names: a re-created repository of the same name never sees the old one's objects), cloned once and fetched after,
/// and deleted when the installation or the repository goes away; a fresh
/// working copy per attempt under <c>{WorkspaceRoot}/work</c> (<c>git clone --shared</c>: no objects copied). Operations
/// on one mirror are serialised.
/// </summary>
public sealed partial class WorkspaceManager(GitCli git, IOptions<ExecutorOptions> options, TimeProvider timeProvider, ILogger<WorkspaceManager> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public string MirrorsRoot => Path.Combine(options.Value.WorkspaceRoot, "mirrors");

    public string WorkRoot => Path.Combine(options.Value.WorkspaceRoot, "work");

    public string MirrorPath(long installationId, long repositoryId) =>
        installationId >= 0 && repositoryId > 0
            ? Path.Combine(MirrorsRoot, installationId.ToString(CultureInfo.InvariantCulture), $"{repositoryId.ToString(CultureInfo.InvariantCulture)}.git")
            : throw new WorkspaceException($"Repository id {repositoryId} (installation {installationId}) cannot name a mirror.");

    /// <summary>Deletes the mirrors of these repositories of an installation (e.g. removed from it); returns how many existed.</summary>
    public async Task<int> DeleteMirrorsAsync(long installationId, IEnumerable<long> repositoryIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repositoryIds);
        var deleted = 0;
        foreach (var repositoryId in repositoryIds.Where(id => id > 0).Distinct())
        {
            if (await DeleteMirrorAsync(MirrorPath(installationId, repositoryId), cancellationToken))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Deletes every mirror of an installation (uninstalled); returns how many existed.</summary>
    public async Task<int> DeleteInstallationMirrorsAsync(long installationId, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(MirrorsRoot, installationId.ToString(CultureInfo.InvariantCulture));
        if (installationId < 0 || !Directory.Exists(folder))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var mirror in Directory.EnumerateDirectories(folder, "*.git"))
        {
            if (await DeleteMirrorAsync(mirror, cancellationToken))
            {
                deleted++;
            }
        }

        return deleted;
    }

    private async Task<bool> DeleteMirrorAsync(string mirror, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(mirror, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var existed = Directory.Exists(mirror);
            DeleteDirectory(mirror);
            if (existed)
            {
                LogMirrorDeleted(logger, mirror);
            }

            return existed;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<Workspace> PrepareAsync(RepositorySource source, string headSha, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!ShaPattern().IsMatch(headSha))
        {
            throw new WorkspaceException($"'{headSha}' is not a commit SHA.");
        }

        var started = timeProvider.GetTimestamp();
        var mirror = MirrorPath(source.InstallationId, source.RepositoryId);
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

    [LoggerMessage(2, LogLevel.Information, "Mirror {Mirror} deleted")]
    private static partial void LogMirrorDeleted(ILogger logger, string mirror);

    [LoggerMessage(1, LogLevel.Information, "Workspace for {Owner}/{Name} at {HeadSha}: mirror {Refresh}, ready in {ElapsedMs:0} ms")]
    private static partial void LogPrepared(ILogger logger, string owner, string name, string headSha, MirrorRefresh refresh, double elapsedMs);
}
