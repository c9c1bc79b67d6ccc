namespace Agentic.Demo.Seeding;

/// <summary>
/// What the first run produced for real and every later run reuses: the files of the default branch (package.json
/// and the package-lock.json npm resolved against the registry included) and of the pull request, and the outputs of
/// npm and <c>prettier --check</c> that the failed job's log shows.
/// </summary>
public sealed record DemoSeed
{
    public const int CurrentFormat = 1;

    public required int Format { get; init; }

    public required string PrettierVersion { get; init; }

    public required string NodeVersion { get; init; }

    public required IReadOnlyDictionary<string, string> MainFiles { get; init; }

    public required IReadOnlyDictionary<string, string> PullRequestFiles { get; init; }

    /// <summary>npm's own output installing the lockfile's dependencies.</summary>
    public required string NpmOutput { get; init; }

    /// <summary><c>prettier --check .</c> on the pull request's tree (stdout and stderr as a terminal shows them).</summary>
    public required string PrettierOutput { get; init; }

    public required int PrettierExitCode { get; init; }
}
