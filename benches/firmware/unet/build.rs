//! Links with the shared bare memory map (../link.x).
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rustc-link-arg=-T{dir}/../link.x");
    println!("cargo:rerun-if-changed={dir}/../link.x");
}
