//! BatchList: the notification a Data Custodian POSTs to a Third Party's
//! `thirdPartyNotifyUri` listing resources with new data (espi.xsd `BatchListType`;
//! Function Block 39, "PUSH model": a notification, then GETs).

crate::schema::espi_element! {
    /// A list of resource URIs that have new or changed data (espi.xsd `BatchList`,
    /// of type `BatchListType`), a bare document root.
    ///
    /// ```
    /// use espi_model::batch_list::BatchList;
    /// let list = BatchList {
    ///     resources: vec!["https://dc.example/espi/1_1/resource/Batch/Subscription/5".to_owned()],
    ///     ..BatchList::default()
    /// };
    /// assert_eq!(list.resources.len(), 1);
    /// ```
    pub struct BatchList: "BatchListType" {
        /// URIs of the resources to fetch (xs:anyURI).
        pub resources: Vec<String> = "resources",
    }
}
