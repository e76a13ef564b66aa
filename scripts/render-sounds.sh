#!/usr/bin/env bash
# Renders the prompt sounds of every flow under flows/ (and the engine's own prompts, sounds/engine-prompts.json)
# to sounds/ with espeak-ng + sox.
#
#   scripts/render-sounds.sh            # render what is missing or older than its flow file
#   scripts/render-sounds.sh --force    # render everything again
#
# For every prompt variant that has BOTH "sound" and "text", the text is spoken by espeak-ng
# (voice en-us for en-US, fr for fr-FR, speed 150) and converted by sox to sounds/<sound>:
# 8 kHz, mono, 16-bit signed PCM WAV, normalised, with short fades and a little silence around.
# The voice follows the locale folder of the sound path (en-US/…, fr-FR/…), else the variant's locale,
# so a bilingual prompt can reuse e.g. fr-FR/language_french.wav under its en-US variant.
# Variants with only "text" (TTS at run time, e.g. "{callback.number}", or the engine's "{position}") are skipped.
# Also renders sounds/common/beep.wav (0.25 s, 1 kHz) and sounds/common/hold.wav (20 s hold tune, -12 dB).
# Needs python3, espeak-ng and sox (apt-get install -y espeak-ng sox).
set -euo pipefail
cd "$(dirname "$0")/.."

force=0
for arg in "$@"; do
  case "$arg" in
    --force|-f) force=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "render-sounds: unknown argument '$arg' (use --force)" >&2; exit 2 ;;
  esac
done

for tool in python3 espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "render-sounds: $tool is required (apt-get install -y espeak-ng sox python3)" >&2; exit 1; }
done

SOUNDS=sounds
OUT_FMT=(-r 8000 -c 1 -b 16 -e signed-integer)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rendered=0 skipped=0

# up_to_date <wav> <reference files…>: true when the wav exists and is newer than every reference.
up_to_date() {
  local wav=$1; shift
  [ "$force" = 0 ] && [ -s "$wav" ] || return 1
  local ref
  for ref in "$@"; do [ "$wav" -nt "$ref" ] || return 1; done
}

# --- prompts ------------------------------------------------------------------------------------
# python3 lists one record per distinct sound path: sound \x1f voice \x1f text \x1f flow files (\x1e-separated) \0
list_prompts() {
  python3 - "$@" <<'PY'
import json, sys, glob, os
VOICES = {"en-US": "en-us", "fr-FR": "fr"}
def voice_for(locale):
    return VOICES.get(locale, locale.lower())
by_sound = {}
for path in sorted(glob.glob("flows/*.json")) + ["sounds/engine-prompts.json"]:
    if path.endswith(".tests.json"):
        continue
    try:
        with open(path, encoding="utf-8") as f:
            flow = json.load(f)
    except (OSError, ValueError) as e:
        print(f"render-sounds: skipping {path}: {e}", file=sys.stderr)
        continue
    prompts = flow.get("prompts") if isinstance(flow, dict) else None
    if not isinstance(prompts, dict):
        continue
    for name, locales in prompts.items():
        if not isinstance(locales, dict):
            continue
        for locale, v in locales.items():
            if not (isinstance(v, dict) and isinstance(v.get("sound"), str) and isinstance(v.get("text"), str)):
                continue
            sound, text = v["sound"], v["text"].strip()
            if sound.startswith("/") or ".." in sound.split("/"):
                print(f"render-sounds: {path}: prompt {name}/{locale}: sound path '{sound}' must stay under sounds/", file=sys.stderr)
                continue
            if "{" in text:
                print(f"render-sounds: {path}: prompt {name}/{locale}: text interpolates a variable; not rendered", file=sys.stderr)
                continue
            folder = sound.split("/")[0]
            voice = voice_for(folder if folder in VOICES else locale)
            entry = by_sound.setdefault(sound, {"voice": voice, "text": text, "flows": [], "where": f"{path}:{name}/{locale}"})
            if entry["text"] != text:
                print(f"render-sounds: warning: {sound} has different texts in {entry['where']} and {path}:{name}/{locale}; using the first", file=sys.stderr)
            if path not in entry["flows"]:
                entry["flows"].append(path)
out = sys.stdout.buffer
for sound in sorted(by_sound):
    e = by_sound[sound]
    rec = "\x1f".join([sound, e["voice"], e["text"], "\x1e".join(e["flows"])]) + "\0"
    out.write(rec.encode("utf-8"))
PY
}

while IFS=$'\x1f' read -r -d '' sound voice text flows; do
  IFS=$'\x1e' read -r -a flow_files <<<"$flows"
  wav="$SOUNDS/$sound"
  if up_to_date "$wav" "${flow_files[@]}"; then
    skipped=$((skipped + 1)); continue
  fi
  mkdir -p "$(dirname "$wav")"
  espeak-ng -v "$voice" -s 150 -w "$tmp/speech.wav" -- "$text"
  # Telephone band, peak at -3 dBFS, 20 ms fade in / 60 ms fade out, 150 ms silence before and 250 ms after.
  sox "$tmp/speech.wav" "${OUT_FMT[@]}" "$tmp/out.wav" \
    highpass 100 rate 8000 norm -3 fade q 0.02 0 0.06 pad 0.15 0.25
  mv -f "$tmp/out.wav" "$wav"
  echo "rendered $wav ($voice)"
  rendered=$((rendered + 1))
done < <(list_prompts)

# --- common sounds --------------------------------------------------------------------------------
mkdir -p "$SOUNDS/common"

beep="$SOUNDS/common/beep.wav"
if up_to_date "$beep" "$0"; then
  skipped=$((skipped + 1))
else
  sox -n "${OUT_FMT[@]}" "$tmp/beep.wav" synth 0.25 sine 1000 gain -6 fade q 0.01 0 0.01
  mv -f "$tmp/beep.wav" "$beep"
  echo "rendered $beep"
  rendered=$((rendered + 1))
fi

# Hold tune: C – Am – F – G, 5 s each (20 s, loops cleanly): a soft sine pad under a slow
# plucked arpeggio, a touch of reverb, peak at -12 dBFS.
hold="$SOUNDS/common/hold.wav"
if up_to_date "$hold" "$0"; then
  skipped=$((skipped + 1))
else
  chords=(
    "C3 E4 G4 C4 E4 G4 C5 G4 E4"
    "A2 C4 E4 A3 C4 E4 A4 E4 C4"
    "F2 A3 C4 F3 A3 C4 F4 C4 A3"
    "G2 B3 D4 G3 B3 D4 G4 D4 B3"
  )
  parts=()
  i=0
  for chord in "${chords[@]}"; do
    read -r bass p1 p2 a1 a2 a3 a4 a5 a6 <<<"$chord"
    # Pad: bass + two chord tones, slow swell in and out.
    sox -n -r 8000 -b 16 "$tmp/pad$i.wav" synth 5 sine "$bass" sine "$p1" sine "$p2" remix - \
      fade h 1.2 5 1.5 gain -n -6
    # Arpeggio: six plucked notes, 0.8 s apart, each ringing 1.2 s.
    notes=()
    n=0
    for note in "$a1" "$a2" "$a3" "$a4" "$a5" "$a6"; do
      sox -n -r 8000 -b 16 "$tmp/n$i-$n.wav" synth 1.2 pluck "$note" fade q 0.01 1.2 0.6 gain -n -3 \
        pad "$(awk "BEGIN{print 0.2 + $n * 0.8}")" 0
      notes+=("$tmp/n$i-$n.wav")
      n=$((n + 1))
    done
    sox -m "${notes[@]}" "$tmp/arp$i.wav" trim 0 5
    sox -m -v 0.6 "$tmp/pad$i.wav" -v 0.8 "$tmp/arp$i.wav" "$tmp/part$i.wav" trim 0 5
    parts+=("$tmp/part$i.wav")
    i=$((i + 1))
  done
  sox "${parts[@]}" "$tmp/tune.wav"
  sox "$tmp/tune.wav" "${OUT_FMT[@]}" "$tmp/hold.wav" lowpass 3000 reverb 40 50 60 \
    remix - fade q 0.3 20 0.8 norm -12
  mv -f "$tmp/hold.wav" "$hold"
  echo "rendered $hold"
  rendered=$((rendered + 1))
fi

echo "render-sounds: $rendered rendered, $skipped up to date"
