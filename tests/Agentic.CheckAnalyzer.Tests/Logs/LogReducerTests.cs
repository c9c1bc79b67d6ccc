using Agentic.CheckAnalyzer.Logs;
using Agentic.CheckAnalyzer.Parsers;
using Agentic.CheckAnalyzer.Tests.Infrastructure;

namespace Agentic.CheckAnalyzer.Tests.Logs;

public sealed class LogReducerTests
{
    [Test]
    public void Should_strip_timestamps_and_ansi_when_cleaning_an_actions_line()
    {
        var cleaned = LogLineCleaner.Clean("2024-05-01T12:00:05.0000000Z \u001b[31;1merror CS0103: x\u001b[0m");

        Assert.That(cleaned, Is.EqualTo("error CS0103: x"));
    }

    [Test]
    public async Task Should_keep_the_error_once_without_timestamps_or_ansi_when_reducing_an_actions_log()
    {
        var reduced = await LogReducer.ReduceAsync(Fixture.Read("actions-dotnet.log"), new LogReductionSettings(), CancellationToken.None);

        Assert.That(reduced.Text, Does.Contain("OrderService.cs(42,17): error CS0103"));
        Assert.That(reduced.Text, Does.Not.Contain("\u001b"));
        Assert.That(reduced.Text, Does.Not.Contain("2024-05-01T"));
        Assert.That(reduced.Text, Does.Not.Contain("Shop.Domain15.dll"));
        Assert.That(reduced.DuplicateErrorLines, Is.EqualTo(1));
        Assert.That(reduced.Findings.Findings.Single().File, Is.EqualTo("src/Shop.Api/Orders/OrderService.cs"));
    }

    [Test]
    public async Task Should_keep_the_first_and_last_errors_within_the_budget_when_the_log_is_50_MB()
    {
        using var reader = new GeneratedLogReader(50L * 1024 * 1024);

        var reduced = await LogReducer.ReduceAsync(reader, new LogReductionSettings { TokenBudget = 6000 }, CancellationToken.None);

        Assert.That(reduced.TotalCharacters, Is.GreaterThanOrEqualTo(50L * 1024 * 1024));
        Assert.That(reduced.EstimatedTokens, Is.LessThanOrEqualTo(6000));
        Assert.That(reduced.Text, Does.Contain(GeneratedLogReader.FirstError));
        Assert.That(reduced.Text, Does.Contain(GeneratedLogReader.LastError));
        Assert.That(reduced.Text, Does.Contain("error blocks omitted"));
        Assert.That(reduced.Findings.Count(FindingKind.Compile), Is.GreaterThan(100));
    }

    [Test]
    public async Task Should_give_the_same_hash_when_logs_differ_only_in_timestamps()
    {
        var first = await LogReducer.ReduceAsync(Fixture.Read("actions-dotnet.log"), new LogReductionSettings(), CancellationToken.None);
        var second = await LogReducer.ReduceAsync(Fixture.Read("actions-dotnet.log").Replace("2024-05-01T12", "2025-02-03T09", StringComparison.Ordinal), new LogReductionSettings(), CancellationToken.None);

        Assert.That(second.Hash, Is.EqualTo(first.Hash));
    }
}

/// <summary>A large Actions-style log produced on the fly: build noise, a first and a last distinct error, thousands of repeats and distinct errors between.</summary>
internal sealed class GeneratedLogReader(long targetCharacters) : TextReader
{
    public const string FirstError = "src/First/Start.cs(1,1): error CS0246: The type or namespace name 'FirstMissing' could not be found";
    public const string LastError = "src/Last/End.cs(9,9): error CS0117: 'Program' does not contain a definition for 'LastMissing'";

    private long _produced;
    private long _line;
    private bool _lastWritten;

    public override string? ReadLine()
    {
        if (_lastWritten)
        {
            return null;
        }

        _line++;
        string text;
        if (_line == 500)
        {
            text = FirstError;
        }
        else if (_produced >= targetCharacters)
        {
            _lastWritten = true;
            text = LastError;
        }
        else if (_line % 997 == 0)
        {
            text = $"src/Gen/File{_line % 5000}.cs({_line % 300},5): error CS0103: The name '{Word(_line)}' does not exist in the current context [/home/runner/work/a/a/src/Gen/Gen.csproj]";
        }
        else if (_line % 101 == 0)
        {
            text = "\u001b[33mwarn\u001b[0m: retrying request 3 of 5: error ECONNRESET downstream (ignored)";
        }
        else
        {
            text = $"  Compiling module {_line} of a very large build, output written to /home/runner/work/a/a/obj/Debug/net8.0/module{_line}.dll";
        }

        var line = $"2024-05-01T12:00:00.{_line % 10_000_000:0000000}Z {text}";
        _produced += line.Length + 1;
        return line;
    }

    private static string Word(long value)
    {
        var chars = new char[6];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + (value % 26));
            value /= 26;
        }

        return new string(chars);
    }

    public override Task<string?> ReadLineAsync() => Task.FromResult(ReadLine());

    public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadLine());
}
