//! RAM per TCP connection without its buffers (issue 5, item 6): `size_of` of unet's
//! per-connection state next to smoltcp 0.14's `tcp::Socket`, on this machine's target.
//! Both include their buffers' descriptors (a borrowed or owned slice each way) but not the
//! buffers' bytes. Prints lines for benches/run's report (section 6):
//! `6<TAB>row<TAB>unet|smoltcp<TAB>1<TAB>bytes`.

use std::mem::size_of;
use std::net::Ipv4Addr;

fn main() {
    let target = std::env::consts::ARCH;
    // unet's slot: the connection machine plus the stack's per-slot bookkeeping (generation,
    // capacities, 4-tuple and listener metadata) — what each connection costs in `Storage`.
    let slot = size_of::<unet_stack::TcpSlot<'static, Ipv4Addr>>();
    let conn = size_of::<unet_stack::tcp::conn::Connection<'static, Ipv4Addr>>();
    let smol = size_of::<smoltcp::socket::tcp::Socket<'static>>();
    let rows = [
        (
            format!("RAM per TCP connection ({target}): unet TcpSlot, smoltcp tcp::Socket"),
            slot,
            smol,
        ),
        (format!("TCP connection machine alone ({target}): unet Connection"), conn, smol),
    ];
    for (row, unet, smoltcp) in rows {
        println!("6\t{row}\tunet\t1\t{unet}");
        println!("6\t{row}\tsmoltcp\t1\t{smoltcp}");
    }
}
