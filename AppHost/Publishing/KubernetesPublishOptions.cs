using System.CommandLine;
using System.Text.RegularExpressions;

namespace Agentic.AppHost.Publishing;

/// <summary>What <c>publish</c> writes where, from the command line (see <see cref="Hosting.AppHostCommandLine"/>).</summary>
public sealed partial record KubernetesPublishOptions
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

    private static readonly Option<string> Output = PublishOption("--output", "dir", "Folder to write to (created when missing)", required: true);

    private static readonly Option<string> NamespaceOption = PublishOption("--namespace", "name", "Kubernetes namespace", DefaultNamespace);

    private static readonly Option<string> ImageRegistryOption = PublishOption(
        "--image-registry", "prefix", "Image prefix, e.g. ghcr.io/acme: images <prefix>/agentic-<resource>:<tag> (default: none, images agentic-<resource>:<tag>)");

    private static readonly Option<string> ImageTagOption = PublishOption("--image-tag", "tag", "Image tag", DefaultImageTag);

    /// <summary>The <c>publish</c> command and its options (System.CommandLine), for the AppHost's command line.</summary>
    public static Command Command() => new(
        "publish",
        "Writes Kubernetes manifests for the same model (one file per resource and a kustomization.yaml; apply with kubectl apply -k <dir>), starts nothing")
    {
        Output, NamespaceOption, ImageRegistryOption, ImageTagOption,
    };

    /// <summary>The options of a parsed <c>publish</c> command line.</summary>
    public static KubernetesPublishOptions From(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new KubernetesPublishOptions
        {
            OutputDirectory = Path.GetFullPath(result.GetRequiredValue(Output)),
            Namespace = result.GetRequiredValue(NamespaceOption),
            ImageRegistry = result.GetValue(ImageRegistryOption),
            ImageTag = result.GetRequiredValue(ImageTagOption),
        };
    }

    /// <summary>A <c>publish</c> option, its value checked by <see cref="Check"/>.</summary>
    private static Option<string> PublishOption(string name, string helpName, string description, string? fallback = null, bool required = false) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Required = required,
        DefaultValueFactory = fallback is null ? null : _ => fallback,
        CustomParser = result =>
        {
            if (Check(name, result.Tokens[0].Value) is { } value)
            {
                return value;
            }

            result.AddError(Describe(name));
            return null;
        },
    };

    /// <summary>The option's value as it will be used, or null when it is not acceptable (<see cref="Describe"/> says why).</summary>
    public static string? Check(string option, string? value) => option switch
    {
        "--output" when value is { Length: > 0 } => value,
        "--namespace" when value is not null && KubernetesName().IsMatch(value) => value,
        "--image-registry" when value?.TrimEnd('/') is { } registry && ImageRegistryPattern().IsMatch(registry) => registry,
        "--image-tag" when value is not null && ImageTagPattern().IsMatch(value) => value,
        _ => null,
    };

    public static string Describe(string option) => option switch
    {
        "--output" => "--output needs a folder.",
        "--namespace" => "--namespace needs a Kubernetes namespace name (lowercase letters, digits and '-', starting with a letter, at most 63 characters).",
        "--image-registry" => "--image-registry needs an image prefix such as ghcr.io/acme or registry.local:5000/agentic (lowercase, no scheme, no tag).",
        _ => "--image-tag needs an image tag (letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-').",
    };

    /// <summary>An RFC 1035 label: what Kubernetes accepts as a namespace or Service name.</summary>
    [GeneratedRegex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    internal static partial Regex KubernetesName();

    /// <summary>host[:port][/path...] as in an image reference, without scheme, tag or digest.</summary>
    [GeneratedRegex(@"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ImageRegistryPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ImageTagPattern();
}
