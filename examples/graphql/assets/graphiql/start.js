// Renders GraphiQL against this component's endpoint. A separate file, not
// an inline script, so that the page's Content-Security-Policy can allow
// only this origin's scripts.
(function () {
  var endpoint = document.currentScript.getAttribute("data-endpoint");
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery:
        "# Books and their authors, from the key-value store.\n" +
        "{\n  books {\n    id\n    title\n    author {\n      name\n    }\n  }\n}\n",
    })
  );
})();
