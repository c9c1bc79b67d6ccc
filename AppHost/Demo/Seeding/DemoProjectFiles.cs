using System.Globalization;

namespace Agentic.Demo.Seeding;

/// <summary>
/// The demo repository: a small ES module package with prettier pinned and a GitHub Actions workflow whose
/// <c>format</c> job runs <c>npx prettier --check .</c> after <c>npm ci</c>, and a pull request that adds a badly
/// formatted file. Everything but the pull request's new file is run through prettier when seeding, so only that file fails.
/// </summary>
public static class DemoProjectFiles
{
    public const string WorkflowPath = ".github/workflows/ci.yml";
    public const string WorkflowName = "CI";
    public const string FormatJob = "format";
    public const string TestJob = "test";
    public const string FormatCommand = "npx prettier --check .";
    public const string UnformattedFile = "src/farewell.js";
    public const string PullRequestTitle = "Add a farewell greeting";

    /// <summary>The failed job's steps as GitHub lists them ("Set up job" is 1); the prettier step is the failed one.</summary>
    public static IReadOnlyList<string> FormatJobSteps { get; } =
        ["Set up job", "Run actions/checkout@v4", "Run actions/setup-node@v4", "Run npm ci", $"Run {FormatCommand}", "Post Run actions/setup-node@v4", "Post Run actions/checkout@v4", "Complete job"];

    public static IReadOnlyList<string> TestJobSteps { get; } =
        ["Set up job", "Run actions/checkout@v4", "Run actions/setup-node@v4", "Run npm ci", "Run npm test", "Post Run actions/setup-node@v4", "Post Run actions/checkout@v4", "Complete job"];

    public static string PackageJson(string repository, string prettierVersion) => string.Create(CultureInfo.InvariantCulture, $$"""
        {
          "name": "{{repository.ToLowerInvariant()}}",
          "version": "1.0.0",
          "private": true,
          "type": "module",
          "scripts": {
            "format": "prettier --write .",
            "format:check": "prettier --check .",
            "test": "node --test"
          },
          "devDependencies": {
            "prettier": "{{prettierVersion}}"
          }
        }

        """);

    /// <summary>The default branch's files besides package.json and the lockfile.</summary>
    public static IReadOnlyDictionary<string, string> MainFiles(string fullName) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".gitignore"] = "node_modules/\n",
        ["README.md"] = $"""
            # {fullName}

            A tiny package for the Agentic demo. CI checks formatting with [prettier](https://prettier.io)
            (`npm run format:check`) and runs the tests (`npm test`).

            """,
        ["src/greet.js"] = """
            export function greet(name) {
              return `Hello, ${name}!`;
            }

            """,
        ["test/greet.test.js"] = """
            import assert from "node:assert/strict";
            import { test } from "node:test";
            import { greet } from "../src/greet.js";

            test("greets by name", () => {
              assert.equal(greet("Ada"), "Hello, Ada!");
            });

            """,
        [WorkflowPath] = $"""
            name: {WorkflowName}

            on:
              pull_request:
              push:
                branches: [main]

            jobs:
              {FormatJob}:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - uses: actions/setup-node@v4
                    with:
                      node-version: 20
                      cache: npm
                  - run: npm ci
                  - run: {FormatCommand}

              {TestJob}:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - uses: actions/setup-node@v4
                    with:
                      node-version: 20
                      cache: npm
                  - run: npm ci
                  - run: npm test

            """,
    };

    /// <summary>The pull request's well-formatted files (prettier is run on them when seeding).</summary>
    public static IReadOnlyDictionary<string, string> PullRequestFormattedFiles { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["test/farewell.test.js"] = """
            import assert from "node:assert/strict";
            import { test } from "node:test";
            import { farewell } from "../src/farewell.js";

            test("says goodbye by name", () => {
              assert.equal(farewell("Ada"), "Goodbye, Ada!");
            });

            """,
    };

    /// <summary>What the pull request's author wrote: correct, tested, and not formatted the way prettier wants.</summary>
    public const string UnformattedContent = "export function  farewell( name ){\n    return \"Goodbye, \"+name+\"!\"\n}\n";
}
