//! Geodesy for the import: great-circle lengths and the local metric frame.
//!
//! Lengths use the haversine formula (R. W. Sinnott, "Virtues of the
//! Haversine", *Sky and Telescope* 68(2):159, 1984) on a sphere of the IUGG
//! mean Earth radius R₁ = 6,371,008.8 m (Moritz, "Geodetic Reference System
//! 1980", *J. Geodesy* 74:128, 2000). Against the WGS84 ellipsoid the error is
//! below 0.5 %, far under the uncertainty of free-flow speeds.
//!
//! Positions are projected equirectangularly about the origin:
//! x = R₁·Δλ·cos φ₀, y = R₁·Δφ (radians). Over a city-sized region (±20 km)
//! the distortion is under 0.1 %; lengths never come from the projection.

/// IUGG mean Earth radius, metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A WGS84 position, degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LonLat {
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

/// Great-circle distance in metres (haversine).
pub fn haversine_m(a: LonLat, b: LonLat) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Equirectangular projection about an origin.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// The point projected to (0, 0).
    pub origin: LonLat,
    cos_lat0: f64,
}

impl Frame {
    /// A frame about `origin`.
    pub fn new(origin: LonLat) -> Frame {
        Frame {
            origin,
            cos_lat0: origin.lat.to_radians().cos(),
        }
    }

    /// (easting, northing) in metres.
    pub fn project(&self, p: LonLat) -> (f64, f64) {
        (
            EARTH_RADIUS_M * (p.lon - self.origin.lon).to_radians() * self.cos_lat0,
            EARTH_RADIUS_M * (p.lat - self.origin.lat).to_radians(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_known_distances() {
        // One degree of latitude on the mean sphere: π·R/180.
        let d = haversine_m(LonLat { lon: 0.0, lat: 0.0 }, LonLat { lon: 0.0, lat: 1.0 });
        assert!((d - 111_195.08).abs() < 0.1, "{d}");
        // Helsinki Cathedral to Helsinki Central Station ≈ 690 m.
        let d = haversine_m(
            LonLat {
                lon: 24.952_2,
                lat: 60.170_4,
            },
            LonLat {
                lon: 24.941_3,
                lat: 60.171_2,
            },
        );
        assert!((600.0..700.0).contains(&d), "{d}");
        assert_eq!(
            haversine_m(LonLat { lon: 5.0, lat: 5.0 }, LonLat { lon: 5.0, lat: 5.0 }),
            0.0
        );
    }

    #[test]
    fn projection_matches_haversine_nearby() {
        let o = LonLat {
            lon: 24.94,
            lat: 60.17,
        };
        let f = Frame::new(o);
        let p = LonLat {
            lon: 24.98,
            lat: 60.19,
        };
        let (x, y) = f.project(p);
        let flat = (x * x + y * y).sqrt();
        let great = haversine_m(o, p);
        assert!((flat - great).abs() / great < 1e-3, "{flat} vs {great}");
        assert_eq!(f.project(o), (0.0, 0.0));
    }
}
