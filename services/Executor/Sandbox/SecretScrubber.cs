using System.Data.Common;
using System.Text.RegularExpressions;
using Agentic.Git;

namespace Agentic.Executor.Sandbox;

/// <summary>
/// Scrubs what leaves the Executor (command output, errors) of credentials by value as well as by shape: the values of
/// the secrets the process itself holds (variables and settings named like passwords, tokens, keys or secrets, the
/// passwords inside connection strings), every PEM block (private keys, even cut off at the end of a tail), and what
/// <see cref="OutputScrubber"/> recognises (GitHub tokens, authorization headers, URL user-info).
/// </summary>
public sealed partial class SecretScrubber
{
    /// <summary>Shorter values are too likely to be ordinary words or numbers to replace.</summary>
    public const int MinimumSecretLength = 6;

    private readonly IReadOnlyList<string> _secrets;

    public SecretScrubber(IConfiguration configuration)
        : this(Collect(configuration))
    {
    }

    public SecretScrubber(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);

        // Longest first, so a secret containing another is replaced whole.
        _secrets = [.. secrets.Where(s => s.Length >= MinimumSecretLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }

    /// <summary>How many secret values are known (for tests and diagnostics; never the values).</summary>
    public int Count => _secrets.Count;

    public string Scrub(string text, IEnumerable<string>? extraSecrets = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = PemBlock().Replace(text, OutputScrubber.Redacted);
        text = PemStart().Replace(text, OutputScrubber.Redacted);
        if (text.Contains("-----END ", StringComparison.Ordinal))
        {
            // The start of a block was cut off (a tail): everything up to its end.
            text = PemEnd().Replace(text, OutputScrubber.Redacted);
        }

        return OutputScrubber.Scrub(text, extraSecrets is null ? _secrets : [.. extraSecrets, .. _secrets]);
    }

    /// <summary>The secret values of the process environment and of <paramref name="configuration"/>.</summary>
    public static IReadOnlyList<string> Collect(IConfiguration? configuration)
    {
        var values = new List<string>();
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            Add(variable.Key as string, variable.Value as string, values);
        }

        if (configuration is not null)
        {
            foreach (var (key, value) in configuration.AsEnumerable())
            {
                Add(key, value, values);
            }
        }

        return values;
    }

    private static void Add(string? name, string? value, List<string> values)
    {
        if (string.IsNullOrEmpty(name) || string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (SecretName().IsMatch(name))
        {
            values.Add(value);
            if (value.Contains("\\n", StringComparison.Ordinal))
            {
                values.Add(value.Replace("\\n", "\n", StringComparison.Ordinal));
            }
        }

        if (value.Contains('=', StringComparison.Ordinal) && value.Contains(';', StringComparison.Ordinal) || name.Contains("ConnectionStrings", StringComparison.OrdinalIgnoreCase))
        {
            values.AddRange(ConnectionStringSecrets(value));
        }
    }

    /// <summary>The password-like parts of a connection string (<c>Password=...</c>, <c>Pwd=...</c>, <c>amqp://user:pass@</c>).</summary>
    internal static IEnumerable<string> ConnectionStringSecrets(string value)
    {
        var found = new List<string>();
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = value };
            foreach (string key in builder.Keys)
            {
                if (SecretName().IsMatch(key) && builder[key]?.ToString() is { Length: > 0 } secret)
                {
                    found.Add(secret);
                }
            }
        }
        catch (ArgumentException)
        {
            // Not a key=value connection string.
        }

        foreach (Match match in UrlPassword().Matches(value))
        {
            found.Add(Uri.UnescapeDataString(match.Groups[1].Value));
            found.Add(match.Groups[1].Value);
        }

        return found;
    }

    [GeneratedRegex(@"(?:password|passwd|pwd|secret|token|apikey|api_key|privatekey|private_key|credential|signingkey|clientsecret)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----")]
    private static partial Regex PemBlock();

    /// <summary>A block whose end was cut off (the tail is bounded): everything from its start.</summary>
    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]+-----[\s\S]*\z")]
    private static partial Regex PemStart();

    [GeneratedRegex(@"\A[\s\S]*?-----END [A-Z0-9 ]+-----")]
    private static partial Regex PemEnd();

    [GeneratedRegex(@"\b[a-z][a-z0-9+.\-]*://[^/\s:@]+:([^/\s@]+)@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPassword();
}
