using System.Text.Json.Serialization;

namespace Agentic.GitHub.Models;

/// <summary>Source-generated System.Text.Json metadata for the GitHub models: snake_case, nulls omitted on write.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(GitHubUser))]
[JsonSerializable(typeof(GitHubRepository))]
[JsonSerializable(typeof(GitHubContent))]
[JsonSerializable(typeof(IReadOnlyList<GitHubContent>))]
[JsonSerializable(typeof(GitHubPullRequest))]
[JsonSerializable(typeof(IReadOnlyList<GitHubPullRequest>))]
[JsonSerializable(typeof(GitHubPullRequestReview))]
[JsonSerializable(typeof(NewPullRequest))]
[JsonSerializable(typeof(NewPullRequestReview))]
[JsonSerializable(typeof(GitHubCheckRun))]
[JsonSerializable(typeof(GitHubCheckRunList))]
[JsonSerializable(typeof(IReadOnlyList<GitHubCheckAnnotation>))]
[JsonSerializable(typeof(NewCheckRun))]
[JsonSerializable(typeof(CheckRunUpdate))]
[JsonSerializable(typeof(GitHubWorkflowRun))]
[JsonSerializable(typeof(GitHubWorkflowRunList))]
[JsonSerializable(typeof(GitHubJob))]
[JsonSerializable(typeof(GitHubJobList))]
[JsonSerializable(typeof(JobRerun))]
[JsonSerializable(typeof(GitHubIssueComment))]
[JsonSerializable(typeof(IReadOnlyList<GitHubIssueComment>))]
[JsonSerializable(typeof(IssueCommentBody))]
[JsonSerializable(typeof(GitHubReference))]
[JsonSerializable(typeof(NewReference))]
[JsonSerializable(typeof(ReferenceUpdate))]
[JsonSerializable(typeof(GitHubInstallationToken))]
[JsonSerializable(typeof(GitHubErrorBody))]
public sealed partial class GitHubJsonContext : JsonSerializerContext;
