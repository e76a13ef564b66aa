namespace Ivr.Flows.Runtime;

/// <summary>A subflow step bound to its compiled flow, with the variable slots the two flows share (copied in on entry,
/// copied back on return: variables are call-wide by name).</summary>
internal sealed class SubflowLink
{
    public SubflowLink(CompiledFlow parent, CompiledFlow child)
    {
        Child = child;
        var parentSlots = new List<int>();
        var childSlots = new List<int>();
        var names = child.Variables.Names;
        for (var c = 0; c < names.Count; c++)
        {
            var p = parent.Variables.Find(names[c]);
            if (p < 0) continue;
            parentSlots.Add(p);
            childSlots.Add(c);
        }
        ParentSlots = [.. parentSlots];
        ChildSlots = [.. childSlots];
    }

    public CompiledFlow Child { get; }
    public int[] ParentSlots { get; }
    public int[] ChildSlots { get; }
}
