namespace Ivr.Flows.Runtime;

/// <summary>Maps every variable name a flow can touch to a slot in a per-call string array, fixed at compile time.</summary>
/// <remarks>Built-in variables have the same slot in every flow, so subflows share them without a lookup.</remarks>
internal sealed class VariableTable
{
    public const int CallerNumber = 0;
    public const int CallerName = 1;
    public const int CallDialled = 2;
    public const int CallId = 3;
    public const int Language = 4;
    public const int QueuePosition = 5;
    public const int QueueEwt = 6;
    public const int CallbackNumber = 7;
    public const int MessagePath = 8;
    public const int HttpStatus = 9;
    public const int HttpError = 10;
    public const int CallerLastAgent = 14;
    public const int CallerLastAgentMinutesAgo = 17;

    /// <summary>The caller's contact history (<see cref="CallerContacts"/>), slots 11 to 17 in this order.</summary>
    internal static readonly string[] ReturningCallerNames =
    [
        "caller.contactsLast24h", "caller.contactsLast7d", "caller.lastSkill", "caller.lastAgent", "caller.lastOutcome",
        "caller.lastContactMinutesAgo", "caller.lastAgentMinutesAgo",
    ];

    /// <summary>The built-ins in slot order.</summary>
    internal static readonly string[] BuiltinNames =
    [
        "caller.number", "caller.name", "call.dialled", "call.id", "language",
        "queue.position", "queue.ewt", "callback.number", "message.path", "http.status", "http.error",
        .. ReturningCallerNames,
    ];

    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<string> _initial = [];
    private string[]? _frozenNames;
    private string[]? _frozenInitial;

    public VariableTable(string defaultLanguage, IReadOnlyDictionary<string, string> declared)
    {
        foreach (var name in BuiltinNames) Slot(name);
        _initial[Language] = defaultLanguage;
        foreach (var (name, value) in declared) _initial[Slot(name)] = value;
    }

    /// <summary>The slot of <paramref name="name"/>, adding it (initially empty) while compiling.</summary>
    public int Slot(string name)
    {
        if (_slots.TryGetValue(name, out var slot)) return slot;
        if (_frozenNames is not null) throw new InvalidOperationException("The variable table is frozen.");
        slot = _names.Count;
        _slots.Add(name, slot);
        _names.Add(name);
        _initial.Add(string.Empty);
        return slot;
    }

    /// <summary>The slot of a known name, or -1.</summary>
    public int Find(string name) => _slots.TryGetValue(name, out var slot) ? slot : -1;

    public int Count => _names.Count;

    public IReadOnlyList<string> Names => _frozenNames ?? (IReadOnlyList<string>)_names;

    /// <summary>Stops adding names; after this the table is shared read-only by every call.</summary>
    public void Freeze()
    {
        _frozenNames = [.. _names];
        _frozenInitial = [.. _initial];
    }

    /// <summary>A fresh per-call array holding the initial values.</summary>
    public string[] NewValues() => (string[])_frozenInitial!.Clone();
}
