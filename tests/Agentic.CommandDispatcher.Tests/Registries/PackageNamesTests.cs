using Agentic.CommandDispatcher.Registries;

namespace Agentic.CommandDispatcher.Tests.Registries;

public sealed class PackageNamesTests
{
    [TestCase(PackageEcosystem.Npm, "is-odd", "is-odd")]
    [TestCase(PackageEcosystem.Npm, "@types/node", "@types%2fnode")]
    [TestCase(PackageEcosystem.Npm, "lodash.merge", "lodash.merge")]
    [TestCase(PackageEcosystem.NuGet, "Newtonsoft.Json", "newtonsoft.json/index.json")]
    [TestCase(PackageEcosystem.NuGet, "xunit.runner.visualstudio", "xunit.runner.visualstudio/index.json")]
    [TestCase(PackageEcosystem.PyPi, "Flask_SQLAlchemy", "flask-sqlalchemy/json")]
    [TestCase(PackageEcosystem.PyPi, "zope.interface", "zope-interface/json")]
    public void Should_build_the_metadata_path_when_the_name_is_valid(PackageEcosystem ecosystem, string name, string path) =>
        Assert.That(PackageNames.RelativePath(ecosystem, name), Is.EqualTo(path));

    [TestCase(PackageEcosystem.Npm, "")]
    [TestCase(PackageEcosystem.Npm, "Is-Odd")]
    [TestCase(PackageEcosystem.Npm, ".hidden")]
    [TestCase(PackageEcosystem.Npm, "a/b")]
    [TestCase(PackageEcosystem.Npm, "@scope/a/b")]
    [TestCase(PackageEcosystem.Npm, "@scope/..")]
    [TestCase(PackageEcosystem.Npm, "a b")]
    [TestCase(PackageEcosystem.Npm, "http://evil.example/x")]
    [TestCase(PackageEcosystem.NuGet, "../secrets")]
    [TestCase(PackageEcosystem.NuGet, "Foo..Bar")]
    [TestCase(PackageEcosystem.NuGet, "Foo/Bar")]
    [TestCase(PackageEcosystem.NuGet, "Foo%2fBar")]
    [TestCase(PackageEcosystem.PyPi, "-requests")]
    [TestCase(PackageEcosystem.PyPi, "requests==2.0")]
    [TestCase(PackageEcosystem.PyPi, "req/uests")]
    public void Should_refuse_the_name_when_it_is_not_in_the_ecosystems_grammar(PackageEcosystem ecosystem, string name) =>
        Assert.That(PackageNames.RelativePath(ecosystem, name), Is.Null);

    [Test]
    public void Should_refuse_an_npm_name_longer_than_214_characters() =>
        Assert.That(PackageNames.IsValid(PackageEcosystem.Npm, new string('a', 215)), Is.False);
}
