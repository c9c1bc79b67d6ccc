using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.ResultProcessor.Api;

/// <summary>What <c>GET /api/workflows</c> was asked for, validated: every field here is safe to bind as a SQL parameter.</summary>
public sealed partial record WorkflowFilter
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>True: only workflows without an outcome yet; false: only finished ones; null: both.</summary>
    public bool? Active { get; init; }

    /// <summary>One state name (as the saga stores it), or null for any.</summary>
    public string? State { get; init; }

    /// <summary>Lower-cased owner and name, or null for every repository.</summary>
    public string? Owner { get; init; }

    public string? Name { get; init; }

    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Only workflows started strictly before this instant (the <c>next</c> cursor of the previous page).</summary>
    public DateTime? BeforeUtc { get; init; }

    /// <summary>
    /// Parses the query string; on bad input, null and a message naming the parameter. <paramref name="stateNames"/> are the
    /// state machine's own state names; <c>state</c> also takes <c>active</c> and <c>finished</c>.
    /// </summary>
    public static WorkflowFilter? TryParse(
        string? state, string? repository, string? limit, string? before, IReadOnlyList<string> stateNames, out string? parameter, out string? error)
    {
        ArgumentNullException.ThrowIfNull(stateNames);
        parameter = null;
        error = null;
        var filter = new WorkflowFilter();

        if (state is not null)
        {
            if (string.Equals(state, "active", StringComparison.OrdinalIgnoreCase))
            {
                filter = filter with { Active = true };
            }
            else if (string.Equals(state, "finished", StringComparison.OrdinalIgnoreCase))
            {
                filter = filter with { Active = false };
            }
            else if (stateNames.FirstOrDefault(n => string.Equals(n, state, StringComparison.OrdinalIgnoreCase)) is { } known)
            {
                filter = filter with { State = known };
            }
            else
            {
                return Fail("state", $"Unknown state '{Shorten(state)}'; use active, finished or one of: {string.Join(", ", stateNames)}.", out parameter, out error);
            }
        }

        if (repository is not null)
        {
            var match = RepositoryPattern().Match(repository);
            if (!match.Success)
            {
                return Fail("repository", $"repository must be owner/name (GitHub's characters only), not '{Shorten(repository)}'.", out parameter, out error);
            }

            filter = filter with
            {
                Owner = match.Groups["owner"].Value.ToLowerInvariant(),
                Name = match.Groups["name"].Value.ToLowerInvariant(),
            };
        }

        if (limit is not null)
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > MaxLimit)
            {
                return Fail("limit", $"limit must be a whole number from 1 to {MaxLimit}, not '{Shorten(limit)}'.", out parameter, out error);
            }

            filter = filter with { Limit = value };
        }

        if (before is not null)
        {
            if (!IsoTimestampPattern().IsMatch(before)
                || !DateTimeOffset.TryParse(before, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            {
                return Fail("before", $"before must be an ISO-8601 timestamp such as 2026-01-31T12:00:00.000000Z (the 'next' value of a page), not '{Shorten(before)}'.",
                    out parameter, out error);
            }

            filter = filter with { BeforeUtc = instant.UtcDateTime };
        }

        return filter;
    }

    /// <summary>The cursor for a page that ends with a workflow started at <paramref name="startedUtc"/>: microseconds, PostgreSQL's precision.</summary>
    public static string Cursor(DateTime startedUtc) =>
        startedUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static WorkflowFilter? Fail(string name, string message, out string? parameter, out string? error)
    {
        parameter = name;
        error = message;
        return null;
    }

    // Echoed input stays short: the message names the problem, not a whole pasted payload.
    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";

    // GitHub: owners are 1-39 alphanumerics or single hyphens; repository names 1-100 of [A-Za-z0-9._-].
    [GeneratedRegex("^(?<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?<name>[A-Za-z0-9._-]{1,100})$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?$")]
    private static partial Regex IsoTimestampPattern();
}
