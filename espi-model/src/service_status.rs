//! ServiceStatus: whether a Data Custodian's ESPI service is up (espi.xsd
//! `ServiceStatus`, the body of `GET ReadServiceStatus`).

use crate::code_list::ServiceStatusCode;
use crate::raw::RawList;

crate::schema::espi_element! {
    /// The current status of the Data Custodian's service (espi.xsd `ServiceStatus`),
    /// usually a bare document root.
    ///
    /// ```
    /// use espi_model::code_list::ServiceStatusCode;
    /// use espi_model::service_status::ServiceStatus;
    /// let status = ServiceStatus { current_status: Some(ServiceStatusCode::Normal), ..ServiceStatus::default() };
    /// assert!(status.is_available());
    /// ```
    pub struct ServiceStatus: "ServiceStatus" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// 1 normal, 0 unavailable.
        pub current_status: Option<ServiceStatusCode> = "currentStatus" required,
    }
}

impl ServiceStatus {
    /// Whether the status is Normal (1).
    pub fn is_available(&self) -> bool {
        self.current_status == Some(ServiceStatusCode::Normal)
    }
}
