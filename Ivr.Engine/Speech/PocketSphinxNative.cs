using System.Runtime.InteropServices;

namespace Ivr.Engine.Speech;

/// <summary>
/// P/Invoke declarations for the Debian build of PocketSphinx 0.8+5prealpha (<c>libpocketsphinx.so.3</c>) and
/// SphinxBase (<c>libsphinxbase.so.3</c>); signatures follow <c>pocketsphinx.h</c>, <c>ps_search.h</c>,
/// <c>sphinxbase/cmd_ln.h</c>, <c>err.h</c> and <c>logmath.h</c>.
/// </summary>
internal static partial class PocketSphinxNative
{
    internal const string PocketSphinxLibrary = "libpocketsphinx.so.3";
    internal const string SphinxBaseLibrary = "libsphinxbase.so.3";

    /// <summary>
    /// Serialises the calls that touch SphinxBase's process-wide state (the error-log stream, configuration parsing,
    /// model loading, JSGF compilation); per-decoder decoding runs without it.
    /// </summary>
    internal static readonly Lock Gate = new();

    // cmd_ln_init is variadic and cannot be called portably from C#; cmd_ln_parse_r takes an argv array instead.
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_parse_r")]
    internal static partial IntPtr CmdLnParseR(IntPtr inoutCmdln, IntPtr defn, int argc, IntPtr[] argv, int strict);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_free_r")]
    internal static partial int CmdLnFreeR(IntPtr cmdln);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "err_set_logfp")]
    internal static partial void ErrSetLogfp(IntPtr stream);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "logmath_exp")]
    internal static partial double LogmathExp(IntPtr logmath, int logbP);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_args")]
    internal static partial IntPtr PsArgs();

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_init")]
    internal static partial IntPtr PsInit(IntPtr config);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_free")]
    internal static partial int PsFree(IntPtr ps);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_logmath")]
    internal static partial IntPtr PsGetLogmath(IntPtr ps);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_set_jsgf_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PsSetJsgfString(IntPtr ps, string name, string jsgf);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_add_word", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PsAddWord(IntPtr ps, string word, string phones, int update);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_set_search", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PsSetSearch(IntPtr ps, string name);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_start_utt")]
    internal static partial int PsStartUtt(IntPtr ps);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_process_raw")]
    internal static unsafe partial int PsProcessRaw(IntPtr ps, short* data, nuint nSamples, int noSearch, int fullUtt);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_in_speech")]
    internal static partial byte PsGetInSpeech(IntPtr ps);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_end_utt")]
    internal static partial int PsEndUtt(IntPtr ps);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_hyp")]
    internal static partial IntPtr PsGetHyp(IntPtr ps, out int bestScore);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_iter")]
    internal static partial IntPtr PsSegIter(IntPtr ps);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_next")]
    internal static partial IntPtr PsSegNext(IntPtr seg);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_word")]
    internal static partial IntPtr PsSegWord(IntPtr seg);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_frames")]
    internal static partial void PsSegFrames(IntPtr seg, out int startFrame, out int endFrame);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_prob")]
    internal static partial int PsGetProb(IntPtr ps);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_feat")]
    internal static partial IntPtr PsGetFeat(IntPtr ps);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmn_live_get")]
    internal static unsafe partial void CmnLiveGet(IntPtr cmn, float* vec);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmn_live_set")]
    internal static unsafe partial void CmnLiveSet(IntPtr cmn, float* vec);

    /// <summary>
    /// Offset of <c>cmn_struct</c> in sphinxbase 5prealpha's <c>feat_t</c> on 64-bit Linux (feat.h). Checked at run time
    /// against the model's <c>-cmninit</c> before it is used (<see cref="PocketSphinxDecoder"/>).
    /// </summary>
    internal const int FeatCmnStructOffset = 88;
}
