namespace Agentic.StandIns.GitHub;

/// <summary>
/// A git repository in a temporary folder, for tests that need what the real git CLI writes (diffs, modes, renames);
/// deleted on dispose.
/// </summary>
public sealed class TemporaryGitRepository : IDisposable
{
    private TemporaryGitRepository(string path) => Path = path;

    public string Path { get; }

    /// <summary>A new repository on <c>main</c> whose first commit holds <paramref name="files"/> (path → content).</summary>
    public static async Task<TemporaryGitRepository> CreateAsync(string prefix, IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var repository = new TemporaryGitRepository(Directory.CreateTempSubdirectory(prefix).FullName);
        await repository.GitAsync("init", "--quiet", "--initial-branch=main");
        foreach (var (path, content) in files)
        {
            repository.Write(path, content);
        }

        await repository.GitAsync("add", "--all");
        await repository.GitAsync("commit", "--quiet", "-m", "Initial commit");
        return repository;
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> in the working tree, folders and all.</summary>
    public void Write(string path, string content)
    {
        var full = System.IO.Path.Combine(Path, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Runs git in the repository; throws with git's stderr unless it succeeded; returns the trimmed output.</summary>
    public async Task<string> GitAsync(params string[] arguments) =>
        (await GitCommand.RunAsync(Path, arguments, CancellationToken.None)).EnsureSuccess(arguments[0]);

    /// <summary><c>git diff --cached</c> as git writes it, with <paramref name="options"/> (<c>--no-renames</c> when none).</summary>
    public async Task<string> CachedDiffAsync(params string[] options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var diff = await GitCommand.RunAsync(Path, ["diff", "--cached", "--no-color", .. options.Length > 0 ? options : ["--no-renames"]], CancellationToken.None);
        diff.EnsureSuccess("diff");
        return diff.OutputText;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
