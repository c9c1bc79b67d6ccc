using System.Globalization;
using System.Net;
using System.Text.Json;
using Agentic.CommandDispatcher.Options;
using Microsoft.Extensions.Options;

namespace Agentic.CommandDispatcher.Registries;

/// <summary>The versions a registry has of one package (newest last), or why they could not be read.</summary>
public sealed record PackageVersions(PackageEcosystem Ecosystem, string Name, IReadOnlyList<string> Versions, string? Latest, int Total, string? Problem)
{
    public bool Found => Problem is null;
}

/// <summary>
/// Asks a package registry's public metadata API which versions of a package exist: npm's packument (<c>versions</c>,
/// <c>dist-tags.latest</c>), NuGet's flat container <c>index.json</c> (<c>versions</c>), PyPI's JSON API (<c>releases</c>,
/// without versions whose files are all yanked). The name is checked against its ecosystem's grammar first
/// (<see cref="PackageNames"/>); only the configured roots are asked; the answer is read up to a size cap, and whatever
/// it says is data for the prompt, never a command.
/// </summary>
public sealed class PackageRegistry(HttpClient http, IOptions<RegistryOptions> options)
{
    public async Task<PackageVersions> GetVersionsAsync(PackageEcosystem ecosystem, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var settings = options.Value;
        if (PackageNames.RelativePath(ecosystem, name) is not { } path)
        {
            return Problem("is not a valid package name");
        }

        var root = ecosystem switch
        {
            PackageEcosystem.Npm => settings.Npm,
            PackageEcosystem.NuGet => settings.NuGet,
            _ => settings.PyPi,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(root, path));
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return Problem("does not exist in the registry");
            }

            if (!response.IsSuccessStatusCode)
            {
                return Problem(string.Create(CultureInfo.InvariantCulture, $"the registry answered {(int)response.StatusCode}"));
            }

            if (response.Content.Headers.ContentLength > settings.MaxResponseBytes)
            {
                return Problem("the registry's answer is over the size cap");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > settings.MaxResponseBytes)
                {
                    return Problem("the registry's answer is over the size cap");
                }

                buffer.Write(chunk, 0, read);
            }

            using var document = JsonDocument.Parse(buffer.ToArray());
            var (versions, latest) = Read(ecosystem, document.RootElement);
            var sorted = versions.Distinct(StringComparer.Ordinal).Order(VersionOrder.Instance).ToList();
            return new PackageVersions(ecosystem, name, sorted.Count > settings.MaxVersions ? sorted[^settings.MaxVersions..] : sorted, latest, sorted.Count, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Problem("the registry did not answer in time");
        }
        catch (HttpRequestException e)
        {
            return Problem($"the registry could not be reached ({e.HttpRequestError})");
        }
        catch (JsonException)
        {
            return Problem("the registry's answer is not the metadata document expected");
        }

        PackageVersions Problem(string problem) => new(ecosystem, name, [], null, 0, problem);
    }

    /// <summary>The versions in one metadata document, and the latest when it says.</summary>
    internal static (IReadOnlyList<string> Versions, string? Latest) Read(PackageEcosystem ecosystem, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("not an object");
        }

        switch (ecosystem)
        {
            case PackageEcosystem.Npm:
            {
                var latest = root.TryGetProperty("dist-tags", out var tags) && tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty("latest", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
                return (Names(root, "versions"), latest);
            }

            case PackageEcosystem.NuGet:
                return root.TryGetProperty("versions", out var list) && list.ValueKind == JsonValueKind.Array
                    ? ([.. list.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)], null)
                    : throw new JsonException("no versions");
            default:
            {
                var latest = root.TryGetProperty("info", out var info) && info.ValueKind == JsonValueKind.Object && info.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                if (!root.TryGetProperty("releases", out var releases) || releases.ValueKind != JsonValueKind.Object)
                {
                    throw new JsonException("no releases");
                }

                // A release whose files are all yanked cannot be installed by an ordinary requirement; one with no files neither.
                var installable = releases.EnumerateObject()
                    .Where(r => r.Value.ValueKind == JsonValueKind.Array && r.Value.EnumerateArray().Any(f =>
                        f.ValueKind == JsonValueKind.Object && !(f.TryGetProperty("yanked", out var y) && y.ValueKind == JsonValueKind.True)))
                    .Select(r => r.Name)
                    .ToList();
                return (installable, latest);
            }
        }
    }

    private static List<string> Names(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? [.. value.EnumerateObject().Select(p => p.Name)]
            : throw new JsonException($"no {property}");
}

/// <summary>
/// Orders version strings as the registries' tools do closely enough for a prompt: numeric parts compared as numbers,
/// a pre-release (<c>-beta1</c>, <c>.dev0</c>, <c>rc1</c>) before its release, what cannot be read last by text.
/// </summary>
public sealed class VersionOrder : IComparer<string>
{
    public static VersionOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var (a, preA) = Parse(x ?? string.Empty);
        var (b, preB) = Parse(y ?? string.Empty);
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            var compared = (i < a.Count ? a[i] : 0).CompareTo(i < b.Count ? b[i] : 0);
            if (compared != 0)
            {
                return compared;
            }
        }

        if ((preA.Length == 0) != (preB.Length == 0))
        {
            return preA.Length == 0 ? 1 : -1;
        }

        return string.CompareOrdinal(preA, preB);
    }

    private static (List<long> Numbers, string PreRelease) Parse(string version)
    {
        var text = version.Split('+')[0];
        var numbers = new List<long>();
        var position = 0;
        while (position < text.Length)
        {
            var end = position;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end == position || end - position > 18)
            {
                break;
            }

            numbers.Add(long.Parse(text.AsSpan(position, end - position), CultureInfo.InvariantCulture));
            position = end;
            if (position < text.Length && text[position] == '.' && position + 1 < text.Length && char.IsAsciiDigit(text[position + 1]))
            {
                position++;
            }
            else
            {
                break;
            }
        }

        return (numbers, text[position..].TrimStart('-', '.'));
    }
}
