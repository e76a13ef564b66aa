namespace Ivr.Tests.Sip;

/// <summary>The 49 RFC 4475 messages, their §3 classification, and the loader.</summary>
internal static class Rfc4475
{
    public enum Category
    {
        /// <summary>§3.1.1: valid, must parse.</summary>
        Valid,
        /// <summary>§3.1.2: invalid, refused (400/505 or dropped).</summary>
        Invalid,
        /// <summary>§3.2: transaction layer.</summary>
        Transaction,
        /// <summary>§3.3: application layer, parse then answer.</summary>
        Application,
        /// <summary>§3.4: backward compatibility.</summary>
        Compatibility,
    }

    public static readonly IReadOnlyDictionary<string, Category> Table = new Dictionary<string, Category>
    {
        ["wsinv"] = Category.Valid, ["intmeth"] = Category.Valid, ["esc01"] = Category.Valid, ["escnull"] = Category.Valid,
        ["esc02"] = Category.Valid, ["lwsdisp"] = Category.Valid, ["longreq"] = Category.Valid, ["dblreq"] = Category.Valid,
        ["semiuri"] = Category.Valid, ["transports"] = Category.Valid, ["mpart01"] = Category.Valid,
        ["unreason"] = Category.Valid, ["noreason"] = Category.Valid,

        ["badinv01"] = Category.Invalid, ["clerr"] = Category.Invalid, ["ncl"] = Category.Invalid, ["scalar02"] = Category.Invalid,
        ["scalarlg"] = Category.Invalid, ["quotbal"] = Category.Invalid, ["ltgtruri"] = Category.Invalid, ["lwsruri"] = Category.Invalid,
        ["lwsstart"] = Category.Invalid, ["trws"] = Category.Invalid, ["escruri"] = Category.Invalid, ["baddate"] = Category.Invalid,
        ["regbadct"] = Category.Invalid, ["badaspec"] = Category.Invalid, ["baddn"] = Category.Invalid, ["badvers"] = Category.Invalid,
        ["mismatch01"] = Category.Invalid, ["mismatch02"] = Category.Invalid, ["bigcode"] = Category.Invalid,

        ["badbranch"] = Category.Transaction,

        ["insuf"] = Category.Application, ["unkscm"] = Category.Application, ["novelsc"] = Category.Application,
        ["unksm2"] = Category.Application, ["bext01"] = Category.Application, ["invut"] = Category.Application,
        ["regaut01"] = Category.Application, ["multi01"] = Category.Application, ["mcl01"] = Category.Application,
        ["bcast"] = Category.Application, ["zeromf"] = Category.Application, ["cparam01"] = Category.Application,
        ["cparam02"] = Category.Application, ["regescrt"] = Category.Application, ["sdp01"] = Category.Application,

        ["inv2543"] = Category.Compatibility,
    };

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Table.Keys.Order(StringComparer.Ordinal)) data.Add(name);
        return data;
    }

    public static TheoryData<string> Of(Category category)
    {
        var data = new TheoryData<string>();
        foreach (var (name, c) in Table.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (c == category) data.Add(name);
        }
        return data;
    }

    /// <summary>The file exactly as shipped in TestData.</summary>
    public static byte[] LoadRaw(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc4475", name + ".dat"));

    /// <summary>
    /// The message as printed in RFC 4475. Two shipped files differ from the RFC: intmeth.dat ends its lines with
    /// CR CR LF (the RFC has CRLF, §3.1.1.2) and baddn.dat lacks the empty line after its headers (§3.1.2.16).
    /// The raw files are tested separately (both must be refused).
    /// </summary>
    public static byte[] Load(string name)
    {
        var raw = LoadRaw(name);
        return name switch
        {
            "intmeth" => Replace(raw, "\r\r\n"u8.ToArray(), "\r\n"u8.ToArray()),
            "baddn" => [.. raw, .. "\r\n"u8],
            _ => raw,
        };
    }

    private static byte[] Replace(byte[] src, byte[] from, byte[] to)
    {
        var result = new List<byte>(src.Length);
        for (var i = 0; i < src.Length; i++)
        {
            if (i + from.Length <= src.Length && src.AsSpan(i, from.Length).SequenceEqual(from))
            {
                result.AddRange(to);
                i += from.Length - 1;
            }
            else
            {
                result.Add(src[i]);
            }
        }
        return result.ToArray();
    }
}
