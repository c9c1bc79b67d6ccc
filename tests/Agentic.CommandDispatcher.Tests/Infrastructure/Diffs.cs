namespace Agentic.CommandDispatcher.Tests.Infrastructure;

/// <summary>Unified diffs in git's format, as a model is asked to write them.</summary>
internal static class Diffs
{
    public const string CartPath = "src/Shop/Cart.cs";

    /// <summary>The content of <see cref="CartPath"/> at the head commit, which <see cref="FixCart"/> applies to.</summary>
    public const string Cart = """
        namespace Shop;

        public sealed class Cart
        {
            private readonly List<Item> _items = [];

            public void Add(Item item) => _items.Add(item);

            public decimal Total()
            {
                return _items.Sum(i => i.Price);
            }
        }

        """;

    /// <summary>A change to <see cref="CartPath"/> with a valid header and one hunk.</summary>
    public const string FixCart = """
        diff --git a/src/Shop/Cart.cs b/src/Shop/Cart.cs
        index 3b18e51..a1c2d3f 100644
        --- a/src/Shop/Cart.cs
        +++ b/src/Shop/Cart.cs
        @@ -9,5 +9,5 @@ public sealed class Cart
             public decimal Total()
             {
        -        return _items.Sum(i => i.Price);
        +        return _items.Sum(i => i.Price * i.Quantity);
             }
         }

        """;

    /// <summary>A one-hunk change of an existing file.</summary>
    public static string Modify(string path) => $"""
        diff --git a/{path} b/{path}
        index 3b18e51..a1c2d3f 100644
        --- a/{path}
        +++ b/{path}
        @@ -1,3 +1,3 @@
         first
        -second
        +second, fixed
         third

        """;

    /// <summary>A new file of two lines.</summary>
    public static string Create(string path) => $"""
        diff --git a/{path} b/{path}
        new file mode 100644
        index 0000000..e69de29
        --- /dev/null
        +++ b/{path}
        @@ -0,0 +1,2 @@
        +first
        +second

        """;

    /// <summary>The deletion of a file of two lines.</summary>
    public static string Delete(string path) => $"""
        diff --git a/{path} b/{path}
        deleted file mode 100644
        index e69de29..0000000
        --- a/{path}
        +++ /dev/null
        @@ -1,2 +0,0 @@
        -first
        -second

        """;
}
