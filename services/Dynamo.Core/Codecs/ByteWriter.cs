using System.Buffers;
using System.Text;

namespace Dynamo.Core.Codecs;

/// <summary>A growable little buffer with varint helpers; the writing half of every Core codec.</summary>
internal sealed class ByteWriter
{
    private byte[] _buffer;
    private int _length;

    public ByteWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>The written bytes; the buffer itself, without a copy, when it was sized exactly (any later write reallocates).</summary>
    public byte[] ToArray() => _length == _buffer.Length ? _buffer : _buffer.AsSpan(0, _length).ToArray();

    /// <summary>How many bytes <see cref="VarUInt"/> writes for <paramref name="value"/>.</summary>
    public static int VarUIntSize(ulong value) => value == 0 ? 1 : ((63 - System.Numerics.BitOperations.LeadingZeroCount(value)) / 7) + 1;

    public void Byte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void VarUInt(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    public void LengthPrefixed(ReadOnlySpan<byte> bytes)
    {
        VarUInt((ulong)bytes.Length);
        Bytes(bytes);
    }

    public void String(string value)
    {
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        Ensure(max + 10);
        int n = System.Text.Encoding.UTF8.GetByteCount(value);
        VarUInt((ulong)n);
        _length += System.Text.Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    private void Ensure(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
        }
    }
}

/// <summary>
/// A bounds-checked reader: every malformed input ends in <see cref="FormatException"/>, never in an
/// index error or an oversized allocation (DESIGN §7: limits on every input).
/// </summary>
internal ref struct ByteReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public ByteReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly int Position => _pos;

    public readonly int Remaining => _data.Length - _pos;

    public readonly bool End => _pos == _data.Length;

    public byte Byte()
    {
        if (_pos >= _data.Length)
        {
            throw new FormatException("Truncated data.");
        }

        return _data[_pos++];
    }

    public ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new FormatException("Truncated data.");
        }

        var s = _data.Slice(_pos, count);
        _pos += count;
        return s;
    }

    public ulong VarUInt()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = Byte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (shift == 63 && b > 1)
                {
                    break;
                }

                return result;
            }
        }

        throw new FormatException("Malformed variable-length integer.");
    }

    public long VarLong(long max)
    {
        ulong v = VarUInt();
        if (v > (ulong)max)
        {
            throw new FormatException($"Value {v} exceeds the limit {max}.");
        }

        return (long)v;
    }

    public int VarInt(int max) => (int)VarLong(max);

    public ReadOnlySpan<byte> LengthPrefixed(int maxLength) => Bytes(VarInt(maxLength));

    public string String(int maxBytes)
    {
        var bytes = LengthPrefixed(maxBytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("Invalid UTF-8.");
        }
    }
}
