using Ivr.Flows.Model;

namespace Ivr.Flows.Linting;

/// <summary>Walks nested branch conditions.</summary>
internal static class Conditions
{
    /// <summary>The condition and every condition nested in it, depth first; nulls left out.</summary>
    public static IEnumerable<Condition> Flatten(Condition? condition)
    {
        if (condition is null) yield break;
        var stack = new Stack<Condition>();
        stack.Push(condition);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            yield return c;
            IEnumerable<Condition?> inner = c switch
            {
                AllCondition all => all.Conditions ?? [],
                AnyCondition any => any.Conditions ?? [],
                NotCondition not => [not.Inner],
                _ => [],
            };
            foreach (var i in inner.Reverse())
                if (i is not null) stack.Push(i);
        }
    }
}
