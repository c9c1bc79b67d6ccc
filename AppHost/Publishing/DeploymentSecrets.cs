using Agentic.ServiceDefaults;

namespace Agentic.AppHost.Publishing;

/// <summary>
/// A credential a service reads from its environment that the application model does not carry (locally it comes from
/// the developer's environment or, for some, the installation's own in the state folder: <see cref="Hosting.LocalSecrets"/>).
/// In Kubernetes it is a key of the generated Secret, referenced by the services that read it.
/// </summary>
/// <param name="Key">The environment variable and Secret key (configuration path with <c>__</c>).</param>
/// <param name="Services">The resources that read it.</param>
/// <param name="Placeholder">Written to the Secret as a value to replace; null: the key is only described in a comment.</param>
/// <param name="Optional">The service starts without it (the reference is <c>optional: true</c>, so the key may be deleted or left out).</param>
public sealed record DeploymentSecret(string Key, IReadOnlyList<string> Services, string? Placeholder, bool Optional);

/// <summary>The credentials of the README's configuration table, and who reads them.</summary>
public static class DeploymentSecrets
{
    /// <summary>Marks every value of the generated Secret that must be replaced before applying it.</summary>
    public const string Placeholder = "CHANGE-ME";

    /// <summary>
    /// The services with a GitHub client (<c>GitHub:Api</c>). Not the Executor: it runs untrusted code and gets
    /// short-lived read tokens of one repository from the Result Processor (ADR-008).
    /// </summary>
    public static IReadOnlyList<string> GitHubServices { get; } =
    [
        ResourceNames.PullRequestDiscovery, ResourceNames.CheckAnalyzer, ResourceNames.CommandDispatcher,
        ResourceNames.ResultProcessor, ResourceNames.Notifier,
    ];

    public static IReadOnlyList<DeploymentSecret> All { get; } =
    [
        // Required outside Development, at least 16 characters: the placeholder keeps the gateway from starting until replaced.
        new("GitHub__Webhooks__Secrets__0", [ResourceNames.IngressGateway], Placeholder, Optional: false),
        new("GitHub__Api__App__AppId", GitHubServices, Placeholder, Optional: true),
        new("GitHub__Api__App__PrivateKey", GitHubServices, Placeholder, Optional: true),
        new("GitHub__Api__Token", GitHubServices, Placeholder: null, Optional: true),
        new("Slack__SigningSecrets__0", [ResourceNames.IngressGateway], Placeholder: null, Optional: true),
        new("Linear__WebhookSecrets__0", [ResourceNames.IngressGateway], Placeholder: null, Optional: true),
        new("Inbox__OperatorApiKey", [ResourceNames.IngressGateway], Placeholder: null, Optional: true),
        new("Llm__ApiKey", [ResourceNames.CheckAnalyzer, ResourceNames.CommandDispatcher], Placeholder: null, Optional: true),
    ];

    public static IEnumerable<DeploymentSecret> For(string resourceName) =>
        All.Where(secret => secret.Services.Contains(resourceName, StringComparer.Ordinal));
}
