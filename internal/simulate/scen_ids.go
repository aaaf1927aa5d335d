package simulate

// streamFlowID maps a unique key (below 2^51) to a Suricata-like flow id:
// a bijection on 51 bits, so distinct keys never share a flow id.
func streamFlowID(key uint64) int64 {
	const mask = 1<<51 - 1
	v := key & mask
	v ^= v >> 23
	v = v * 0x2545f4914f6cdd1d & mask
	v ^= v >> 29
	v = v * 0x1b873593a5b3c4e7 & mask
	v ^= v >> 17
	return int64(1<<51 | v)
}

// mix64 is the SplitMix64 finaliser, a bijection on 64 bits.
func mix64(v uint64) uint64 {
	v ^= v >> 30
	v *= 0xbf58476d1ce4e5b9
	v ^= v >> 27
	v *= 0x94d049bb133111eb
	v ^= v >> 31
	return v
}

// streamUID maps a unique key to a Zeek-like id: the prefix, eleven base62
// digits that encode a bijection of the key (so ids never collide) and six
// more that only look random.
func streamUID(prefix byte, key uint64) string {
	var b [18]byte
	b[0] = prefix
	v := mix64(key)
	for i := 1; i <= 11; i++ {
		b[i] = base62[v%62]
		v /= 62
	}
	v = mix64(key ^ 0x6a09e667f3bcc909)
	for i := 12; i < 18; i++ {
		b[i] = base62[v%62]
		v /= 62
	}
	return string(b[:])
}
