namespace Agentic.GitHub.Http;

/// <summary>Reads RFC 8288 <c>Link</c> headers as GitHub sends them: <c>&lt;url&gt;; rel="next", &lt;url&gt;; rel="last"</c>.</summary>
internal static class LinkHeader
{
    /// <summary>The target of the link with the given relation, or null.</summary>
    public static string? Find(string? header, string relation)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        var position = 0;
        while (position < header.Length)
        {
            var open = header.IndexOf('<', position);
            if (open < 0)
            {
                return null;
            }

            var close = header.IndexOf('>', open + 1);
            if (close < 0)
            {
                return null;
            }

            var target = header[(open + 1)..close];
            var next = header.IndexOf('<', close + 1);
            var parameters = next < 0 ? header[(close + 1)..] : header[(close + 1)..next];
            foreach (var parameter in parameters.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = parameter.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0 || !parameter[..equals].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var values = parameter[(equals + 1)..].Trim().TrimEnd(',').Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (values.Contains(relation, StringComparer.OrdinalIgnoreCase))
                {
                    return target;
                }
            }

            position = next < 0 ? header.Length : next;
        }

        return null;
    }
}
