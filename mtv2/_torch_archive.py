"""The zip archive of a torch checkpoint: written exactly as torch's writer (PyTorchStreamWriter over miniz) writes
it, so that mtv2.save gives the bytes torch.save gives, and read whatever folder name it was written under."""
import struct
import sys
import zipfile
import zlib

import numpy as np

STORAGE_ALIGNMENT = 64
_FILE_FORMAT_VERSION = 3   # the "version" record torch 2.13 writes for torch.save archives
_U32 = 0xFFFFFFFF
ZIP64_LIMIT = _U32   # sizes and offsets from here on go to zip64 fields (a test lowers it to exercise them)


class ZipWriter:
    """Writes records sequentially, as miniz does for torch: stored (uncompressed), no timestamps, each record's
    data padded to a 64-byte boundary by an "FB" extra field of 'Z's, a data descriptor after non-empty data,
    zip64 end records always, zip64 extra fields only for records at or past 4 GiB."""

    def __init__(self, file, archive_name):
        self.file, self.prefix = file, archive_name + "/"
        self.position = 0
        self.entries = []          # (name bytes, flags, crc, size, header offset)
        self.combined_crc = 0      # c10::hash_combine of the data descriptors' CRC32s, as torch's writer keeps

    def _write(self, *chunks):
        for chunk in chunks:
            self.file.write(chunk)
            self.position += memoryview(chunk).nbytes

    def write_record(self, name, data):
        data = memoryview(data).cast("B")
        size, offset = data.nbytes, self.position
        full_name = (self.prefix + name).encode("utf-8")
        zip64 = _zip64_extra(size, offset)
        start = offset + 30 + len(full_name) + len(zip64) + 4
        padding = -start % STORAGE_ALIGNMENT
        extra = zip64 + b"FB" + struct.pack("<H", padding) + b"Z" * padding
        flags = 0x0808 if size else 0x0800    # utf-8 names; a data descriptor follows non-empty data
        crc = zlib.crc32(data)
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 0, flags, 0, 0, 0, 0, 0, 0, len(full_name), len(extra))
                    + full_name + extra, data)
        if size:
            layout = "<IIQQ" if zip64 else "<IIII"
            self._write(struct.pack(layout, 0x08074B50, crc, size, size))
            self.combined_crc = _hash_combine(self.combined_crc, crc)
        self.entries.append((full_name, flags, crc, size, offset))

    def close(self):
        self.write_record("version", f"{_FILE_FORMAT_VERSION}\n".encode())
        names = [full_name[len(self.prefix):].decode("utf-8") for full_name, *_ in self.entries]
        self.write_record(".data/serialization_id", f"{_names_hash(names):020d}{self.combined_crc:020d}".encode())
        directory_offset = self.position
        for full_name, flags, crc, size, offset in self.entries:
            extra = _zip64_extra(size, offset)
            size32, offset32 = _field32(size), _field32(offset)
            self._write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 0, flags, 0, 0, 0, crc, size32, size32,
                                    len(full_name), len(extra), 0, 0, 0, 0, offset32) + full_name + extra)
        count, directory_size = len(self.entries), self.position - directory_offset
        end64_offset = self.position
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 0x002D, 0, 0, count, count, directory_size,
                                directory_offset),
                    struct.pack("<IIQI", 0x07064B50, 0, end64_offset, 1),
                    struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                _field32(directory_size), _field32(directory_offset), 0))


def _zip64_extra(size, offset):
    """The zip64 extended-information field: the sizes when the data reaches 4 GiB, the offset when it does."""
    fields = (struct.pack("<QQ", size, size) if size >= ZIP64_LIMIT else b"") + \
        (struct.pack("<Q", offset) if offset >= ZIP64_LIMIT else b"")
    return struct.pack("<HH", 1, len(fields)) + fields if fields else b""


def _field32(value):
    """A 32-bit size or offset field: the value, or all ones to say "see the zip64 field"."""
    return value if value < ZIP64_LIMIT else _U32


# ---------------------------------------------------------------- serialization_id, as torch computes it
# torch's id is 20 digits combining the std::hash of every record name, in the iteration order of the C++
# std::unordered_set holding them, then 20 digits combining the records' CRC32s. To write torch's bytes, the
# first half reproduces libstdc++'s string hash (_Hash_bytes) and its unordered_set's node order.

_M64 = 0xFFFFFFFFFFFFFFFF
_MURMUR = 0xC6A4A7935BD1E995
# libstdc++'s bucket counts as a set grows one element at a time (11 initial buckets -> 13, then the next prime
# of its table at or past twice the count), each a rehash once the element count would exceed it; enough for
# twelve million records
_BUCKET_COUNTS = (13, 29, 59, 127, 257, 541, 1109, 2357, 5087, 10273, 20753, 42043, 85229, 172933, 351061, 712697,
                  1447153, 2938679, 5967347, 12117689)


def _string_hash(data, seed=0xC70F6907):
    """std::hash<std::string> of libstdc++ on 64 bits (std::_Hash_bytes, a MurmurHash2 variant)."""
    def shift_mix(value):
        return value ^ (value >> 47)
    aligned = len(data) & ~7
    result = (seed ^ (len(data) * _MURMUR)) & _M64
    for start in range(0, aligned, 8):
        word = int.from_bytes(data[start:start + 8], "little")
        result = ((result ^ (shift_mix(word * _MURMUR & _M64) * _MURMUR & _M64)) * _MURMUR) & _M64
    if len(data) & 7:
        result = ((result ^ int.from_bytes(data[aligned:], "little")) * _MURMUR) & _M64
    return shift_mix(shift_mix(result) * _MURMUR & _M64)


def _names_hash(names):
    """Combine the names' hashes in the order a libstdc++ unordered_set, filled in write order, iterates them: one
    singly linked list; a node joins the front of its bucket's run, or the list's front if its bucket is empty;
    a rehash re-inserts the nodes in list order the same way."""
    hashes = {name: _string_hash(name.encode("utf-8")) for name in names}
    head = object()
    following, before, buckets = {head: None}, {}, 0   # node -> next node; bucket -> node before its first

    def insert(node):
        bucket = hashes[node] % buckets
        if bucket in before:
            previous = before[bucket]
            following[node], following[previous] = following[previous], node
        else:
            first = following[head]
            following[node], following[head] = first, node
            if first is not None:
                before[hashes[first] % buckets] = node
            before[bucket] = head

    for count, name in enumerate(names):
        if count == 0 or count + 1 > buckets:
            buckets = next(size for size in _BUCKET_COUNTS if size >= count + 1)
            node, following[head], before = following[head], None, {}
            while node is not None:
                after = following[node]
                insert(node)
                node = after
        insert(name)
    combined, node = 0, following[head]
    while node is not None:
        combined, node = _hash_combine(combined, hashes[node]), following[node]
    return combined


def _hash_combine(seed, value):
    """c10::hash_combine on 64-bit size_t."""
    return (seed ^ (value + 0x9E3779B9 + (seed << 6) + (seed >> 2))) & 0xFFFFFFFFFFFFFFFF


# ---------------------------------------------------------------- reading

class Archive:
    """The records of a torch zip archive, under whatever folder name it was written with."""

    def __init__(self, file, mmap_path=None):
        self.zip = zipfile.ZipFile(file)
        first = self.zip.infolist()[0].filename
        if "/" not in first:
            raise RuntimeError(f"file in archive is not in a subdirectory: {first}")
        self.prefix = first[:first.index("/") + 1]
        self.file = file
        self.mapped = np.memmap(mmap_path, dtype=np.uint8, mode="c") if mmap_path is not None else None
        byteorder = self.read_small("byteorder") if self.has("byteorder") else b"little"
        if byteorder not in (b"little", b"big"):
            raise ValueError("Unknown endianness type: " + byteorder.decode())
        self.swap_bytes = byteorder.decode() != sys.byteorder

    def has(self, name):
        return self.prefix + name in self.zip.NameToInfo

    def read_small(self, name):
        return self.zip.read(self.prefix + name)

    def read_storage(self, key, nbytes):
        """The bytes of data/<key>: a private copy, or a copy-on-write view of the mapped file (mmap=True)."""
        info = self.zip.getinfo(self.prefix + f"data/{key}")
        if info.file_size < nbytes:
            raise RuntimeError(f"mtv2.load: record data/{key} holds {info.file_size} bytes, {nbytes} expected")
        if self.mapped is not None and info.compress_type == zipfile.ZIP_STORED:
            self.file.seek(info.header_offset)
            header = self.file.read(30)
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            start = info.header_offset + 30 + name_length + extra_length
            return self.mapped[start:start + nbytes]
        data = np.empty(nbytes, np.uint8)
        with self.zip.open(info) as record:
            record.readinto(memoryview(data))
        return data
