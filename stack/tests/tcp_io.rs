//! The byte-stream adapters: `embedded-io` 0.7 (no_std) and `std::io`, both non-blocking
//! over a sans-IO stack.

mod common;

use common::tcp::*;
use unet_core::Duration;
use unet_stack::tcp::Endpoint;
use unet_stack::{TcpError, TcpIoError};

fn connected() -> (Pair, unet_stack::TcpHandle, unet_stack::TcpHandle) {
    let mut p = Pair::new();
    let l = p.b.tcp_listen(7, 4).unwrap();
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    let s = p.b.tcp_accept(p.now, l).unwrap();
    (p, c, s)
}

#[test]
fn embedded_io_read_write_would_block_and_end_of_stream() {
    use embedded_io::{Error, ErrorKind, Read, ReadReady, Write, WriteReady};
    let (mut p, c, s) = connected();
    let mut buf = [0u8; 32];
    {
        let mut server = p.b.tcp_stream(s);
        assert_eq!(server.read_ready(), Ok(false));
        assert_eq!(server.read(&mut buf), Err(TcpIoError::WouldBlock));
        assert_eq!(server.read(&mut []), Ok(0), "an empty read is no end of stream");
    }
    {
        let mut client = p.a.tcp_stream(c);
        assert_eq!(client.write_ready(), Ok(true));
        client.write_all(b"ping").unwrap();
        client.flush().unwrap();
    }
    p.advance(Duration::from_millis(300));
    {
        let mut server = p.b.tcp_stream(s);
        assert_eq!(server.read_ready(), Ok(true));
        assert_eq!(server.read(&mut buf), Ok(4));
        assert_eq!(&buf[..4], b"ping");
    }
    // Fill the client's send buffer (16 KiB) without the peer reading: WouldBlock.
    {
        let mut client = p.a.tcp_stream(c);
        let chunk = [7u8; 4096];
        let mut written = 0;
        loop {
            match client.write(&chunk) {
                Ok(n) => written += n,
                Err(e) => {
                    assert_eq!(e, TcpIoError::WouldBlock);
                    assert_eq!(e.kind(), ErrorKind::Other);
                    break;
                }
            }
        }
        assert_eq!(written, 16 * 1024);
        assert_eq!(client.write_ready(), Ok(false));
    }
    p.a.tcp_shutdown(c).unwrap();
    p.advance(Duration::from_secs(1));
    // The server reads it all (the window reopens as it reads), then the end of the
    // stream: Ok(0).
    let (mut total, mut big) = (0, [0u8; 4096]);
    for _ in 0..100 {
        match p.b.tcp_stream(s).read(&mut big) {
            Ok(0) => break,
            Ok(n) => total += n,
            Err(TcpIoError::WouldBlock) => p.advance(Duration::from_millis(300)),
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(total, 16 * 1024);
    assert_eq!(p.b.tcp_stream(s).read(&mut buf), Ok(0), "still the end");
}

#[test]
fn std_io_would_block_and_reset_map_to_io_error_kinds() {
    use std::io::{ErrorKind, Read, Write};
    let (mut p, c, s) = connected();
    let mut buf = [0u8; 8];
    let e = p.b.tcp_stream(s).read(&mut buf).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WouldBlock);
    p.a.tcp_stream(c).write_all(b"hi").unwrap();
    p.advance(Duration::from_millis(300));
    assert_eq!(p.b.tcp_stream(s).read(&mut buf).unwrap(), 2);
    p.a.tcp_abort(p.now, c).unwrap();
    p.settle();
    let e = p.b.tcp_stream(s).read(&mut buf).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConnectionReset);
    assert_eq!(p.b.tcp_recv(s, &mut buf), Err(TcpError::Reset));
    let e = p.a.tcp_stream(c).write(b"x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotConnected, "aborted: the handle is gone");
}
