namespace Ivr.Engine.Routing;

/// <summary>
/// One skill's line: callers ordered by priority (0 first), then by the time they entered, then by arrival order.
/// Enqueue, remove by id, peek and position lookup are all O(log n) (a size-augmented treap with an id index).
/// </summary>
public sealed class SkillQueue
{
    private readonly Dictionary<string, Node> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> _preferring = new(StringComparer.Ordinal);
    private readonly Random _heap;
    private Node? _root;
    private long _sequence;

    /// <summary>Creates an empty line for <paramref name="skill"/>; <paramref name="seed"/> fixes the tree's shape.</summary>
    public SkillQueue(string skill, int seed = 17)
    {
        Skill = skill;
        _heap = new Random(seed);
    }

    /// <summary>The skill this line serves.</summary>
    public string Skill { get; }

    /// <summary>Places in the line, live and virtual.</summary>
    public int Count => _byId.Count;

    /// <summary>Virtual places held for callbacks.</summary>
    public int CallbackCount { get; private set; }

    /// <summary>Whether <paramref name="id"/> holds a place in this line.</summary>
    public bool Contains(string id) => _byId.ContainsKey(id);

    /// <summary>Adds a caller; a caller moved from elsewhere keeps its <see cref="QueuedCaller.EnteredAt"/>.</summary>
    /// <exception cref="InvalidOperationException">The id already holds a place.</exception>
    public void Enqueue(QueuedCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (_byId.ContainsKey(caller.Id)) throw new InvalidOperationException($"Caller {caller.Id} is already in the {Skill} queue.");
        var node = new Node(new Key(caller.Priority, caller.EnteredAt.UtcTicks, _sequence++), caller, _heap.Next());
        _byId.Add(caller.Id, node);
        if (caller.IsCallback) CallbackCount++;
        if (caller.Prefer is not null) _preferring.Add(caller.Id, node);
        var (left, right) = Split(_root, node.Key);
        _root = Merge(Merge(left, node), right);
    }

    /// <summary>Removes a place by id; false if it is not in this line.</summary>
    public bool TryRemove(string id, out QueuedCaller caller)
    {
        if (!_byId.Remove(id, out var node))
        {
            caller = null!;
            return false;
        }
        caller = node.Caller;
        if (caller.IsCallback) CallbackCount--;
        _preferring.Remove(id);
        _root = Remove(_root, node.Key);
        return true;
    }

    /// <summary>The caller at the head of the line.</summary>
    public bool TryPeek(out QueuedCaller caller)
    {
        var node = _root;
        while (node?.Left is not null) node = node.Left;
        caller = node?.Caller!;
        return node is not null;
    }

    /// <summary>Removes and returns the caller at the head of the line.</summary>
    public bool TryDequeue(out QueuedCaller caller) => TryPeek(out caller) && TryRemove(caller.Id, out caller);

    /// <summary>Number of places ahead of <paramref name="id"/> (0 at the head), or null if it is not in this line.</summary>
    public int? PositionOf(string id)
    {
        if (!_byId.TryGetValue(id, out var target)) return null;
        var rank = 0;
        var node = _root;
        while (node is not null)
        {
            var c = target.Key.CompareTo(node.Key);
            if (c == 0) return rank + Size(node.Left);
            if (c < 0) node = node.Left;
            else
            {
                rank += Size(node.Left) + 1;
                node = node.Right;
            }
        }
        throw new InvalidOperationException("Queue index out of step with its tree.");
    }

    /// <summary>The place at <paramref name="index"/> from the head (0-based).</summary>
    public QueuedCaller ElementAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var node = _root!;
        while (true)
        {
            var left = Size(node.Left);
            if (index < left) node = node.Left!;
            else if (index == left) return node.Caller;
            else
            {
                index -= left + 1;
                node = node.Right!;
            }
        }
    }

    /// <summary>The place held by <paramref name="id"/>, if any.</summary>
    public QueuedCaller? Find(string id) => _byId.TryGetValue(id, out var node) ? node.Caller : null;

    /// <summary>
    /// Turns a live caller into a virtual place for a callback, keeping its position and original time. Returns the
    /// updated place, or null if <paramref name="id"/> is not in this line.
    /// </summary>
    public QueuedCaller? ConvertToCallback(string id)
    {
        if (!_byId.TryGetValue(id, out var node)) return null;
        if (!node.Caller.IsCallback)
        {
            // A callback is dialled by whichever agent the pacer picks: no agent is waited for any more.
            _preferring.Remove(id);
            node.Caller = node.Caller with { IsCallback = true, Prefer = null };
            CallbackCount++;
        }
        return node.Caller;
    }

    /// <summary>Places held for a particular agent first (<see cref="QueuedCaller.Prefer"/>), in no order.</summary>
    public IEnumerable<QueuedCaller> Preferring => _preferring.Values.Select(n => n.Caller);

    /// <summary>How many places are held for a particular agent first.</summary>
    public int PreferringCount => _preferring.Count;

    /// <summary>
    /// The caller is no longer held for a particular agent (the wait for them ran out): any agent may take them, in the same
    /// place. False if <paramref name="id"/> is not in this line or was held for nobody.
    /// </summary>
    public bool ClearPreference(string id)
    {
        if (!_preferring.Remove(id, out var node)) return false;
        node.Caller = node.Caller with { Prefer = null };
        return true;
    }

    /// <summary>Every place from head to tail.</summary>
    public IEnumerable<QueuedCaller> InOrder()
    {
        var stack = new Stack<Node>();
        var node = _root;
        while (node is not null || stack.Count > 0)
        {
            while (node is not null)
            {
                stack.Push(node);
                node = node.Left;
            }
            node = stack.Pop();
            yield return node.Caller;
            node = node.Right;
        }
    }

    private static int Size(Node? node) => node?.Size ?? 0;

    // Split into keys < key and keys ≥ key.
    private static (Node? Less, Node? NotLess) Split(Node? node, Key key)
    {
        if (node is null) return (null, null);
        if (node.Key.CompareTo(key) < 0)
        {
            var (less, notLess) = Split(node.Right, key);
            node.Right = less;
            node.Update();
            return (node, notLess);
        }
        else
        {
            var (less, notLess) = Split(node.Left, key);
            node.Left = notLess;
            node.Update();
            return (less, node);
        }
    }

    private static Node? Merge(Node? left, Node? right)
    {
        if (left is null) return right;
        if (right is null) return left;
        if (left.HeapPriority > right.HeapPriority)
        {
            left.Right = Merge(left.Right, right);
            left.Update();
            return left;
        }
        right.Left = Merge(left, right.Left);
        right.Update();
        return right;
    }

    private static Node? Remove(Node? node, Key key)
    {
        if (node is null) return null;
        var c = key.CompareTo(node.Key);
        if (c == 0) return Merge(node.Left, node.Right);
        if (c < 0) node.Left = Remove(node.Left, key);
        else node.Right = Remove(node.Right, key);
        node.Update();
        return node;
    }

    private readonly record struct Key(int Priority, long EnteredTicks, long Sequence) : IComparable<Key>
    {
        public int CompareTo(Key other)
        {
            var c = Priority.CompareTo(other.Priority);
            if (c != 0) return c;
            c = EnteredTicks.CompareTo(other.EnteredTicks);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }
    }

    private sealed class Node(Key key, QueuedCaller caller, int heapPriority)
    {
        public Key Key { get; } = key;
        public QueuedCaller Caller { get; set; } = caller;
        public int HeapPriority { get; } = heapPriority;
        public Node? Left { get; set; }
        public Node? Right { get; set; }
        public int Size { get; private set; } = 1;

        public void Update() => Size = 1 + (Left?.Size ?? 0) + (Right?.Size ?? 0);
    }
}
