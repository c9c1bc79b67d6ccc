using Agentic.CommandDispatcher.Options;
using Agentic.CommandDispatcher.Registries;
using Agentic.StandIns.Registries;

namespace Agentic.CommandDispatcher.Tests.Registries;

/// <summary>The registry metadata client against the registries' stand-in, fed with payloads recorded from the real registries.</summary>
public sealed class PackageRegistryTests
{
    private PackageRegistryStandIn _registry = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _registry = new PackageRegistryStandIn();
        await _registry.StartAsync();
        _http = new HttpClient();
    }

    [TearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        await _registry.DisposeAsync();
    }

    private PackageRegistry Client(int maxVersions = 60) =>
        new(_http, Microsoft.Extensions.Options.Options.Create(new RegistryOptions { Npm = _registry.NpmUri, NuGet = _registry.NuGetUri, PyPi = _registry.PyPiUri, MaxVersions = maxVersions }));

    [Test]
    public async Task Should_list_the_versions_of_an_npm_packument_oldest_first_with_the_latest_tag()
    {
        var versions = await Client().GetVersionsAsync(PackageEcosystem.Npm, "is-odd", CancellationToken.None);

        Assert.That(versions.Problem, Is.Null);
        Assert.That(versions.Versions, Is.EqualTo(new[] { "0.1.0", "0.1.1", "0.1.2", "1.0.0", "2.0.0", "3.0.0", "3.0.1" }));
        Assert.That(versions.Latest, Is.EqualTo("3.0.1"));
    }

    [Test]
    public async Task Should_list_nuget_flat_container_versions_with_prereleases_before_their_release_and_keep_the_newest()
    {
        var versions = await Client(maxVersions: 5).GetVersionsAsync(PackageEcosystem.NuGet, "Newtonsoft.Json", CancellationToken.None);

        Assert.That(versions.Versions, Is.EqualTo(new[] { "13.0.1", "13.0.2", "13.0.3", "13.0.4", "14.0.1-beta2" }));
        Assert.That(versions.Total, Is.EqualTo(12));
        Assert.That(_registry.Requests, Is.EqualTo(new[] { "/nuget/v3-flatcontainer/newtonsoft.json/index.json" }));
    }

    [Test]
    public async Task Should_leave_out_pypi_releases_whose_files_are_all_yanked_or_missing()
    {
        var versions = await Client().GetVersionsAsync(PackageEcosystem.PyPi, "Requests", CancellationToken.None);

        Assert.That(versions.Versions, Is.EqualTo(new[] { "2.31.0", "2.32.3" }));
        Assert.That(_registry.Requests, Is.EqualTo(new[] { "/pypi/requests/json" }));
    }

    [Test]
    public async Task Should_say_the_package_does_not_exist_when_the_registry_answers_404()
    {
        var versions = await Client().GetVersionsAsync(PackageEcosystem.Npm, "is-odd-not-published", CancellationToken.None);

        Assert.That(versions.Found, Is.False);
        Assert.That(versions.Problem, Is.EqualTo("does not exist in the registry"));
    }

    [TestCase(PackageEcosystem.Npm, "../../-/user/org.couchdb.user:admin")]
    [TestCase(PackageEcosystem.Npm, "is-odd/../../x")]
    [TestCase(PackageEcosystem.Npm, "is-odd?write=true")]
    [TestCase(PackageEcosystem.NuGet, "Newtonsoft.Json/../../v3/index")]
    [TestCase(PackageEcosystem.PyPi, "requests#fragment")]
    public async Task Should_ask_nothing_when_the_name_is_not_valid_in_its_ecosystem(PackageEcosystem ecosystem, string name)
    {
        var versions = await Client().GetVersionsAsync(ecosystem, name, CancellationToken.None);

        Assert.That(versions.Problem, Is.EqualTo("is not a valid package name"));
        Assert.That(_registry.Requests, Is.Empty);
    }
}
