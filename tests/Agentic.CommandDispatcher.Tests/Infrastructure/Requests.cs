using Agentic.Contracts.Common;
using Agentic.Contracts.Dispatch;

namespace Agentic.CommandDispatcher.Tests.Infrastructure;

internal static class Requests
{
    public const string HeadSha = "4f1c0a7d9e2b3c4d5e6f708192a3b4c5d6e7f809";

    public static PullRequestRef PullRequest(long installationId = 42, string owner = "acme", string name = "shop", string headSha = HeadSha) => new()
    {
        Repository = new RepositoryRef { InstallationId = installationId, RepositoryId = 1001, Owner = owner, Name = name },
        Number = 7,
        HeadSha = headSha,
        HeadRef = "feature/cart",
        BaseRef = "main",
    };

    /// <summary>A request for a diagnosed failure, as the fix workflow sends it.</summary>
    public static DispatchCommand Dispatch(
        FixStrategy strategy = FixStrategy.LlmEdit,
        FailureCategory category = FailureCategory.Test,
        IReadOnlyList<string>? files = null,
        int attempt = 1,
        string? previousFailure = null,
        PullRequestRef? pullRequest = null) => new()
    {
        CorrelationId = Guid.NewGuid(),
        PullRequest = pullRequest ?? PullRequest(),
        Strategy = strategy,
        Category = category,
        RootCause = "Cart.Total ignores the item quantity, so CartTests.Total_multiplies_by_quantity expects 30 but gets 10.",
        Evidence = "Failed CartTests.Total_multiplies_by_quantity [12 ms]\n  Expected: 30\n  But was:  10\n  at Shop.Tests.CartTests.Total_multiplies_by_quantity() in /home/runner/work/shop/tests/CartTests.cs:line 18",
        Files = files ?? [Diffs.CartPath],
        Attempt = attempt,
        PreviousFailure = previousFailure,
    };
}
