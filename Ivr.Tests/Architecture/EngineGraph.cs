using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ivr.Tests.Architecture;

/// <summary>
/// The type-level references of the built engine, read with Mono.Cecil: for each type (nested and compiler-generated
/// types count as their outermost type), the types of other parts it names in its signatures, attributes and IL.
/// </summary>
internal sealed class EngineGraph
{
    private static readonly Lazy<EngineGraph> Built = new(() => Read(typeof(Ivr.Engine.Calls.CallManager).Assembly.Location));

    private readonly Dictionary<string, SortedSet<string>> _references = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _partOf = new(StringComparer.Ordinal);

    private EngineGraph()
    {
    }

    /// <summary>The graph of the <c>Ivr.Engine</c> assembly the tests run against.</summary>
    public static EngineGraph Engine => Built.Value;

    /// <summary>Types of <paramref name="from"/> that reference <paramref name="to"/>, each with the referenced types.</summary>
    public IReadOnlyList<string> Offenders(string from, string to) =>
        _references.Where(kv => _partOf[kv.Key] == from)
            .Select(kv => (kv.Key, Targets: kv.Value.Where(t => EngineParts.Of(Namespace(t)) == to).ToList()))
            .Where(e => e.Targets.Count > 0)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => $"{e.Key} → {string.Join(", ", e.Targets)}")
            .ToList();

    /// <summary>Types outside <paramref name="part"/> that reference the type <paramref name="fullName"/>.</summary>
    public IReadOnlyList<string> ReferencesTo(string fullName, string part) =>
        _references.Where(kv => _partOf[kv.Key] != part && kv.Value.Contains(fullName)).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>The arrows between parts of the engine (not to the flow library): part → parts it references.</summary>
    public IReadOnlyDictionary<string, SortedSet<string>> Arrows()
    {
        var arrows = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (type, targets) in _references)
        {
            var from = _partOf[type];
            if (!arrows.TryGetValue(from, out var set)) arrows[from] = set = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var target in targets)
            {
                var to = EngineParts.Of(Namespace(target));
                if (to is not null && to != from && to != EngineParts.FlowsLibrary) set.Add(to);
            }
        }
        return arrows;
    }

    private static string Namespace(string fullName)
    {
        var dot = fullName.LastIndexOf('.');
        return dot < 0 ? string.Empty : fullName[..dot];
    }

    private static EngineGraph Read(string path)
    {
        var graph = new EngineGraph();
        using var assembly = AssemblyDefinition.ReadAssembly(path);
        foreach (var type in assembly.MainModule.GetTypes())
        {
            var outer = Outermost(type);
            if (EngineParts.Of(outer.Namespace) is not { } part || part == EngineParts.FlowsLibrary) continue;
            graph._partOf[outer.FullName] = part;
            if (!graph._references.TryGetValue(outer.FullName, out var targets))
                graph._references[outer.FullName] = targets = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var referenced in ReferencedBy(type)) Add(targets, referenced);
        }
        return graph;
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static void Add(SortedSet<string> targets, TypeReference? type)
    {
        switch (type)
        {
            case null or GenericParameter:
                return;
            case GenericInstanceType generic:
                foreach (var argument in generic.GenericArguments) Add(targets, argument);
                Add(targets, generic.ElementType);
                return;
            case TypeSpecification specification:
                Add(targets, specification.ElementType);
                return;
        }
        while (type.DeclaringType is not null) type = type.DeclaringType;
        targets.Add(type.FullName);
    }

    private static IEnumerable<TypeReference?> ReferencedBy(TypeDefinition type)
    {
        yield return type.BaseType;
        foreach (var i in type.Interfaces) yield return i.InterfaceType;
        foreach (var a in type.CustomAttributes) yield return a.AttributeType;
        foreach (var g in type.GenericParameters.SelectMany(p => p.Constraints)) yield return g.ConstraintType;
        foreach (var f in type.Fields) yield return f.FieldType;
        foreach (var p in type.Properties) yield return p.PropertyType;
        foreach (var e in type.Events) yield return e.EventType;
        foreach (var m in type.Methods)
        {
            yield return m.ReturnType;
            foreach (var a in m.CustomAttributes) yield return a.AttributeType;
            foreach (var p in m.Parameters) yield return p.ParameterType;
            foreach (var g in m.GenericParameters.SelectMany(p => p.Constraints)) yield return g.ConstraintType;
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) yield return v.VariableType;
            foreach (var instruction in m.Body.Instructions)
            {
                foreach (var referenced in Operand(instruction)) yield return referenced;
            }
        }
    }

    private static IEnumerable<TypeReference?> Operand(Instruction instruction)
    {
        switch (instruction.Operand)
        {
            case TypeReference type:
                yield return type;
                break;
            case MethodReference method:
                yield return method.DeclaringType;
                yield return method.ReturnType;
                foreach (var p in method.Parameters) yield return p.ParameterType;
                if (method is GenericInstanceMethod generic)
                {
                    foreach (var a in generic.GenericArguments) yield return a;
                }
                break;
            case FieldReference field:
                yield return field.DeclaringType;
                yield return field.FieldType;
                break;
        }
    }
}
