using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Agentic.Text;

/// <summary>
/// The secret values a service holds, collected from its configuration: every value whose key's last part names a
/// secret (<c>*Secret*</c>, <c>*Key*</c>, <c>*Token*</c>, <c>*Password*</c>, <c>*Passphrase*</c>, <c>*Credential*</c>:
/// the GitHub App private key, webhook secrets, API keys, the operator key), and the password of every connection
/// string or URL that carries one (<c>Password=</c>/<c>Pwd=</c>, <c>amqp://user:password@host</c>). Logging levels,
/// flags, numbers and durations are not secrets, whatever their key is called.
/// </summary>
public static partial class SecretValues
{
    public static IReadOnlyList<string> FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrWhiteSpace(value) || key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = key[(key.LastIndexOf(':') + 1)..];
            if (SecretName().IsMatch(name) && !IsPlainSetting(value))
            {
                values.Add(value.Trim());
            }

            foreach (Match match in ConnectionStringPassword().Matches(value))
            {
                values.Add(match.Groups["password"].Value.Trim('"', '\''));
            }

            foreach (Match match in UrlPassword().Matches(value))
            {
                values.Add(match.Groups["password"].Value);
                values.Add(Uri.UnescapeDataString(match.Groups["password"].Value));
            }
        }

        values.RemoveWhere(v => v.Length < SecretScrubber.MinimumValueLength);
        return [.. values];
    }

    private static bool IsPlainSetting(string value) =>
        bool.TryParse(value, out _) ||
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ||
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _);

    [GeneratedRegex("secret|key|token|password|passwd|passphrase|credential", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?:^|;)\s*(?:password|pwd)\s*=\s*(?<password>""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"\b[a-z][a-z0-9+.\-]*://[^/\s:@]+:(?<password>[^/\s@]+)@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPassword();
}
