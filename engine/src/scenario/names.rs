//! The names a scenario takes from the hazard models' tables — fragility
//! classes, GMPEs (and their magnitude ranges), chemicals, fuel-model
//! numbers — checked at load time, so every command and the drill reject
//! an unknown name the same way (exit 2) instead of a hazard that
//! silently does nothing.

use super::hazard::Hazard;
use super::types::Region;
use super::{Problem, RasterSet};
use qilian_hazardlib::{fire, fragility, gmpe, toxic};
use std::path::Path;

/// Fragility classes of the region's facilities and bridges.
pub(super) fn region(file: &Path, r: &Region, out: &mut Vec<Problem>) {
    for f in &r.facilities {
        if let Some(c) = &f.fragility
            && let Err(e) = fragility::class(c)
        {
            out.push(Problem::new(
                file,
                format!("region: facility {}: {e}", f.id.0),
            ));
        }
    }
    for e in &r.edges {
        if let Some(b) = &e.bridge
            && let Err(err) = fragility::class(&b.fragility)
        {
            out.push(Problem::new(
                file,
                format!("region: edge {}: {err}", e.id.0),
            ));
        }
    }
}

/// Hazard `i`'s model names: its GMPE and magnitude range, its chemical, the
/// fuel raster's model numbers.
pub(super) fn hazard(file: &Path, i: usize, hz: &Hazard, g: &RasterSet, out: &mut Vec<Problem>) {
    let item = format!("hazard {} ({})", i + 1, hz.kind_name());
    match hz {
        Hazard::Earthquake(e) => match gmpe::by_name(&e.gmpe) {
            None => out.push(Problem::new(
                file,
                format!(
                    "{item}: unknown gmpe `{}` (expected AkkarBommer2010 or BooreAtkinson2008)",
                    e.gmpe
                ),
            )),
            Some(m)
                if !(m.validity().mag_ok(e.magnitude.bounds().0)
                    && m.validity().mag_ok(e.magnitude.bounds().1)) =>
            {
                out.push(Problem::new(
                    file,
                    format!(
                        "{item}: magnitude {} is outside {}'s range {}–{}",
                        e.magnitude,
                        e.gmpe,
                        m.validity().mag.0,
                        m.validity().mag.1
                    ),
                ))
            }
            _ => {}
        },
        Hazard::ChemicalLeak(c) => {
            if let Err(e) = c.chemical.parse::<toxic::Chemical>() {
                out.push(Problem::new(file, format!("{item}: {e}")));
            }
        }
        Hazard::Fire(_) => {
            if let Some(fuel) = &g.fuel {
                let mut bad: Vec<u16> = fuel
                    .data()
                    .iter()
                    .filter(|v| !fuel.is_nodata(**v))
                    .map(|&v| v as u16)
                    .filter(|&n| fire::fuel::known(n).is_err())
                    .collect();
                bad.sort_unstable();
                bad.dedup();
                if !bad.is_empty() {
                    out.push(Problem::new(
                        file,
                        format!("{item}: the fuel raster has unknown fuel-model numbers {bad:?}"),
                    ));
                }
            }
        }
        Hazard::Flood(_) => {}
    }
}
