namespace Agentic.AppHost.Publishing;

/// <summary>What <c>publish</c> writes where (see <see cref="Hosting.AppHostArguments"/>).</summary>
public sealed record KubernetesPublishOptions
{
    public const string DefaultNamespace = "agentic";

    public const string DefaultImageTag = "latest";

    /// <summary>The folder the manifests and <c>kustomization.yaml</c> are written to; created when missing.</summary>
    public required string OutputDirectory { get; init; }

    public string Namespace { get; init; } = DefaultNamespace;

    /// <summary>Prefix of every image (<c>ghcr.io/acme</c>, <c>registry.local:5000/agentic</c>); none: images by bare name.</summary>
    public string? ImageRegistry { get; init; }

    public string ImageTag { get; init; } = DefaultImageTag;

    /// <summary>The image a project of the model is expected in: <c>&lt;registry&gt;/agentic-&lt;name&gt;:&lt;tag&gt;</c>.</summary>
    public string ImageFor(string name) =>
        ImageRegistry is { Length: > 0 } registry ? $"{registry}/agentic-{name}:{ImageTag}" : $"agentic-{name}:{ImageTag}";
}
