// Reads and edits the GNU symbol-versioning sections of a 64-bit little-endian ELF shared library:
// the versions it defines (.gnu.version_d) and the versions it needs from each dependency
// (.gnu.version_r). The TorchSharp loader uses it to find out whether the system libstdc++ offers a
// version and to mark one needed version as weak in a copy of libLibTorchSharp.so (TorchSharpNatives).
using System.Buffers.Binary;
using System.Text;

namespace MnistBn.OnnxExport.TorchSharp;

/// <summary>One entry of .gnu.version_r: a version that <see cref="File"/> must provide.</summary>
/// <param name="File">The dependency's file name (DT_NEEDED spelling), e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">vna_flags: <see cref="ElfSymbolVersions.WeakFlag"/> makes a missing version a warning, not an error.</param>
/// <param name="FlagsOffset">File offset of the 16-bit vna_flags field, for patching.</param>
internal sealed record NeededVersion(string File, string Name, ushort Flags, long FlagsOffset);

/// <summary>ELF64 symbol-version tables, parsed from the section headers.</summary>
internal sealed class ElfSymbolVersions
{
    /// <summary>VER_FLG_WEAK: the dynamic linker only warns (under LD_DEBUG) when this version is missing.</summary>
    public const ushort WeakFlag = 0x2;

    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    private readonly string _path;
    private readonly byte[] _image;

    private ElfSymbolVersions(string path, byte[] image)
    {
        _path = path;
        _image = image;
    }

    /// <summary>The file's bytes as read (patched in place by <see cref="SetFlags"/>).</summary>
    public byte[] Image => _image;

    /// <summary>Reads a whole ELF file; throws <see cref="InvalidDataException"/> naming the file when it is not ELF64 LE.</summary>
    public static ElfSymbolVersions Read(string path)
    {
        var image = File.ReadAllBytes(path);
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            throw new InvalidDataException($"{path}: not an ELF file");
        if (image[4] != 2 || image[5] != 1)
            throw new InvalidDataException($"{path}: not a 64-bit little-endian ELF file (class {image[4]}, data {image[5]})");
        return new ElfSymbolVersions(path, image);
    }

    /// <summary>Version names the library defines (its .gnu.version_d), e.g. every GLIBCXX_* of libstdc++.</summary>
    public IReadOnlySet<string> DefinedVersions()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in Sections(ShtGnuVerdef))
        {
            long entry = section.Offset;
            for (var i = 0; i < section.Info; i++)
            {
                var count = U16(entry + 6);
                long aux = entry + U32(entry + 12);
                for (var j = 0; j < count; j++)
                {
                    names.Add(String(section.StringTable, U32(aux)));
                    aux += U32(aux + 4);
                }
                var next = U32(entry + 16);
                if (next == 0)
                    break;
                entry += next;
            }
        }
        return names;
    }

    /// <summary>Every version the library needs from its dependencies (its .gnu.version_r).</summary>
    public IReadOnlyList<NeededVersion> NeededVersions()
    {
        var needed = new List<NeededVersion>();
        foreach (var section in Sections(ShtGnuVerneed))
        {
            long entry = section.Offset;
            for (var i = 0; i < section.Info; i++)
            {
                var count = U16(entry + 2);
                var file = String(section.StringTable, U32(entry + 4));
                long aux = entry + U32(entry + 8);
                for (var j = 0; j < count; j++)
                {
                    needed.Add(new NeededVersion(file, String(section.StringTable, U32(aux + 8)), U16(aux + 4), aux + 4));
                    var nextAux = U32(aux + 12);
                    if (nextAux == 0)
                        break;
                    aux += nextAux;
                }
                var next = U32(entry + 12);
                if (next == 0)
                    break;
                entry += next;
            }
        }
        return needed;
    }

    /// <summary>Sets vna_flags of one needed version in <see cref="Image"/> (not on disk).</summary>
    public void SetFlags(NeededVersion version, ushort flags) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_image.AsSpan(checked((int)version.FlagsOffset), 2), flags);

    private readonly record struct Section(long Offset, uint Info, long StringTable);

    private IEnumerable<Section> Sections(uint type)
    {
        var headerOffset = U64(40);
        var headerSize = U16(58);
        var count = U16(60);
        if (headerOffset == 0 || count == 0)
            throw new InvalidDataException($"{_path}: ELF file has no section headers");
        if (headerSize < 64 || (long)headerOffset + (long)headerSize * count > _image.Length)
            throw new InvalidDataException($"{_path}: ELF section header table lies outside the file");
        for (var i = 0; i < count; i++)
        {
            long header = (long)headerOffset + (long)i * headerSize;
            if (U32(header + 4) != type)
                continue;
            var link = U32(header + 40);
            if (link >= count)
                throw new InvalidDataException($"{_path}: version section links to missing string table {link}");
            long strings = (long)U64((long)headerOffset + (long)link * headerSize + 24);
            yield return new Section((long)U64(header + 24), U32(header + 44), strings);
        }
    }

    private string String(long table, uint offset)
    {
        var start = checked((int)(table + offset));
        var end = Array.IndexOf(_image, (byte)0, start);
        if (end < 0)
            throw new InvalidDataException($"{_path}: unterminated string in ELF string table");
        return Encoding.ASCII.GetString(_image, start, end - start);
    }

    private ushort U16(long offset) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(offset, 2));

    private uint U32(long offset) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(offset, 4));

    private ulong U64(long offset) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(offset, 8));

    private ReadOnlySpan<byte> Slice(long offset, int length)
    {
        if (offset < 0 || offset + length > _image.Length)
            throw new InvalidDataException($"{_path}: ELF structure at offset {offset} lies outside the file");
        return _image.AsSpan((int)offset, length);
    }
}
