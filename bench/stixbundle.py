#!/usr/bin/env python3
"""Write a STIX 2.1 bundle with one indicator per value of an IOC list.

usage: bench/stixbundle.py bench/out/full/iocs.txt > bundle.json

Each value becomes an indicator object with the pattern a feed would give
it ([ipv4-addr:value = '...'], [domain-name:value = '...'],
[file:hashes.'SHA-256' = '...']), one object a line, so that
`pactwatch sweep --indicators bundle.json LOG` can be timed against the
same values as the list (the matches must be the same, indicator ids
aside). The 1M list gives a 323 MB bundle.
"""
import json
import sys


def pattern(v):
    if v.replace('.', '').replace('/', '').isdigit():
        return "[ipv4-addr:value = '%s']" % v
    if len(v) == 64 and all(c in '0123456789abcdef' for c in v):
        return "[file:hashes.'SHA-256' = '%s']" % v
    return "[domain-name:value = '%s']" % v


def main():
    out = sys.stdout
    out.write('{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[\n')
    n = 0
    with open(sys.argv[1]) as f:
        for line in f:
            v = line.strip()
            if not v or v.startswith('#'):
                continue
            o = {"type": "indicator", "spec_version": "2.1",
                 "id": "indicator--%08x-0000-4000-8000-%012x" % (n, n),
                 "created": "2016-01-01T00:00:00.000Z", "modified": "2016-01-01T00:00:00.000Z",
                 "pattern": pattern(v), "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z",
                 "indicator_types": ["malicious-activity"]}
            out.write((',\n' if n else '') + json.dumps(o, separators=(',', ':')))
            n += 1
    out.write('\n]}\n')


if __name__ == '__main__':
    main()
