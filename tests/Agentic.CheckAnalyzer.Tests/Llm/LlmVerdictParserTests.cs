using Agentic.CheckAnalyzer.Llm;
using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Tests.Llm;

public sealed class LlmVerdictParserTests
{
    [Test]
    public void Should_accept_an_answer_when_it_matches_the_schema_even_inside_a_code_fence()
    {
        var ok = LlmVerdictParser.TryParse("```json\n{\"root_cause\":\"typo\",\"strategy\":\"llm_edit\",\"confidence\":0.8,\"files\":[\"src/a.cs\"]}\n```", out var verdict, out var error);

        Assert.That(ok, Is.True, error);
        Assert.That(verdict, Is.EqualTo(new LlmVerdict("typo", FixStrategy.LlmEdit, 0.8, verdict!.Files)));
        Assert.That(verdict.Files, Is.EqualTo(new List<string> { "src/a.cs" }));
    }

    [TestCase("not json at all")]
    [TestCase("[1,2]")]
    [TestCase("{\"root_cause\":\"\",\"strategy\":\"llm_edit\",\"confidence\":0.5,\"files\":[]}")]
    [TestCase("{\"root_cause\":\"x\",\"strategy\":\"rewrite_everything\",\"confidence\":0.5,\"files\":[]}")]
    [TestCase("{\"root_cause\":\"x\",\"strategy\":\"llm_edit\",\"confidence\":1.5,\"files\":[]}")]
    [TestCase("{\"root_cause\":\"x\",\"strategy\":\"llm_edit\",\"confidence\":\"high\",\"files\":[]}")]
    [TestCase("{\"root_cause\":\"x\",\"strategy\":\"llm_edit\",\"confidence\":0.5,\"files\":[\"../../etc/passwd\"]}")]
    [TestCase("{\"root_cause\":\"x\",\"strategy\":\"llm_edit\",\"confidence\":0.5,\"files\":[\"/abs/path\"]}")]
    [TestCase("{\"root_cause\":\"x\",\"strategy\":\"llm_edit\",\"confidence\":0.5}")]
    [TestCase("{\"root_cause\":\"x\",\"strategy\":\"llm_edit\",\"confidence\":0.5,\"files\":[],\"patch\":\"rm -rf\"}")]
    public void Should_reject_an_answer_when_it_does_not_match_the_schema(string answer)
    {
        var ok = LlmVerdictParser.TryParse(answer, out var verdict, out var error);

        Assert.That(ok, Is.False);
        Assert.That(verdict, Is.Null);
        Assert.That(error, Is.Not.Empty);
    }
}
