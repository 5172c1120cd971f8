// Package frame is the data framing of RFC 6455 §5, written out by hand:
// frame headers (Header, ReadHeader, AppendHeader), masking (MaskNaive,
// Mask), close payloads (CloseCode, ParseClose, AppendClose), incremental
// UTF-8 checking (UTF8) and a message reader that enforces every rule of
// §5 on the frames a peer sends (Reader).
//
// A frame on the wire (RFC 6455 §5.2):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-------+-+-------------+-------------------------------+
//	|F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//	|I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//	|N|V|V|V|       |S|             |   (if payload len==126/127)   |
//	| |1|2|3|       |K|             |                               |
//	+-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//	|     Extended payload length continued, if payload len == 127  |
//	+ - - - - - - - - - - - - - - - +-------------------------------+
//	|                               |Masking-key, if MASK set to 1  |
//	+-------------------------------+-------------------------------+
//	| Masking-key (continued)       |          Payload Data         |
//	+-------------------------------- - - - - - - - - - - - - - - - +
//	:                     Payload Data continued ...                :
//	+ - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - +
//
// The package never assumes that one read returns one frame: every read
// goes through io.ReadFull or a loop over whatever the connection delivers,
// because TCP is a byte stream and a frame may arrive one byte at a time.
package frame
