//! Renders a one-rectangle document through the embedded core, and parses an SVG with usvg,
//! so both crates (and fontdb with usvg's features) are linked into one binary.

use octopus_render::{render_png, NoAssets, RenderConfig};

fn main() {
    let doc = br##"{"id": "d", "type": "ARTBOARD", "version": "3.0.0",
        "dimensions": {"width": 4, "height": 4},
        "content": {"id": "c", "type": "SHAPE", "shape": {"path": {"type": "RECTANGLE",
            "rectangle": {"x0": 0, "y0": 0, "x1": 4, "y1": 4}},
            "fills": [{"type": "COLOR", "color": {"r": 1, "g": 0, "b": 0, "a": 1}}]}}}"##;
    let mut png = Vec::new();
    match render_png(doc, &RenderConfig::default(), &NoAssets, &mut png) {
        Ok(_) => println!("octopus-render: {} bytes of PNG", png.len()),
        Err(e) => {
            eprintln!("octopus-render: {e}");
            std::process::exit(1);
        }
    }
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>"#;
    match usvg::Tree::from_str(svg, &usvg::Options::default()) {
        Ok(tree) => println!("usvg: {} x {}", tree.size().width(), tree.size().height()),
        Err(e) => {
            eprintln!("usvg: {e}");
            std::process::exit(1);
        }
    }
}
