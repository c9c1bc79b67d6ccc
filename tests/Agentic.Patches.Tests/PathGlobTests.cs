namespace Agentic.Patches.Tests;

public sealed class PathGlobTests
{
    [TestCase("deploy/**", "deploy/a/b.yml", true)]
    [TestCase("*.pem", "key.pem", true)]
    [TestCase("*.pem", "src/key.pem", false)]
    [TestCase("**/*.pem", "src/key.pem", true)]
    [TestCase("*.pem", "src/key.pem.txt", false)]
    [TestCase("docs/", "docs/x.md", true)]
    [TestCase("docs/", "docsx/x.md", false)]
    [TestCase("/infra", "infra/main.tf", true)]
    public void Should_match_like_gitignore_when_given_a_glob(string pattern, string path, bool expected)
    {
        Assert.That(new PathGlob(pattern).IsMatch(path), Is.EqualTo(expected));
    }
}
