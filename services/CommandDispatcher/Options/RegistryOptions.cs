using FluentValidation;

namespace Agentic.CommandDispatcher.Options;

/// <summary>
/// Where the dependency-fix path asks which versions of a package exist (<c>CommandDispatcher:Registries</c>): the
/// registries' public metadata APIs, read anonymously. Only these roots are ever asked; a package name becomes one
/// checked path segment under them (<see cref="Registries.PackageNames"/>).
/// </summary>
public sealed class RegistryOptions
{
    public const string SectionName = "CommandDispatcher:Registries";

    /// <summary>npm's registry root: <c>{Npm}{name}</c> is the packument.</summary>
    public Uri Npm { get; set; } = new("https://registry.npmjs.org/");

    /// <summary>NuGet's flat container (the <c>PackageBaseAddress/3.0.0</c> resource): <c>{NuGet}{id}/index.json</c>.</summary>
    public Uri NuGet { get; set; } = new("https://api.nuget.org/v3-flatcontainer/");

    /// <summary>PyPI's JSON API root: <c>{PyPi}{name}/json</c>.</summary>
    public Uri PyPi { get; set; } = new("https://pypi.org/pypi/");

    /// <summary>Time allowed for one metadata request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A metadata document larger than this is not read (a popular npm packument is several megabytes).</summary>
    public int MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The newest this many versions of each package are shown to the model.</summary>
    public int MaxVersions { get; set; } = 60;

    /// <summary>At most this many packages are looked up per proposal.</summary>
    public int MaxPackages { get; set; } = 5;
}

public sealed class RegistryOptionsValidator : AbstractValidator<RegistryOptions>
{
    public RegistryOptionsValidator()
    {
        RuleFor(o => o.Npm).Must(Root).WithMessage("must be an absolute http(s) URL ending with '/'");
        RuleFor(o => o.NuGet).Must(Root).WithMessage("must be an absolute http(s) URL ending with '/'");
        RuleFor(o => o.PyPi).Must(Root).WithMessage("must be an absolute http(s) URL ending with '/'");
        RuleFor(o => o.Timeout).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        RuleFor(o => o.MaxResponseBytes).InclusiveBetween(64 * 1024, 64 * 1024 * 1024);
        RuleFor(o => o.MaxVersions).InclusiveBetween(5, 500);
        RuleFor(o => o.MaxPackages).InclusiveBetween(1, 20);
    }

    private static bool Root(Uri? uri) =>
        uri is { IsAbsoluteUri: true } && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.AbsolutePath.EndsWith('/') && string.IsNullOrEmpty(uri.Query);
}
