package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/org"
)

func (a *app) orgsCommand() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:     "orgs",
		Aliases: []string{"organisations", "organizations"},
		Short:   "List the monitored organisations",
		Example: `  pactwatch orgs
  pactwatch orgs import orgs.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			orgs, err := st.Organisations(cmd.Context())
			if err != nil {
				return err
			}
			if jsonOut {
				return writeJSON(a.stdout, orgs)
			}
			t := newTable(a.stdout, "ID", "NAME", "COUNTRY", "SECTOR", "NETWORKS", "SENSORS")
			for _, o := range orgs {
				nets := make([]string, len(o.Networks))
				for i, n := range o.Networks {
					nets[i] = n.String()
				}
				t.row(o.ID, o.Name, o.Country, o.Sector, strings.Join(nets, ","), strings.Join(o.Sensors, ","))
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Import organisations (victims) from a JSON file",
		Long: `Import the organisations pactwatch monitors. Each has an id, a name, a
country (ISO 3166 alpha-2), a sector from the STIX industry-sector
vocabulary, and the address ranges and/or sensor names that belong to it:

  {"organisations": [
    {"id": "acme-pharma", "name": "Acme Pharma", "country": "US",
     "sector": "pharmaceuticals", "networks": ["198.51.100.0/24"],
     "sensors": ["acme-ids-1"]}
  ]}

An event belongs to the organisation whose sensor recorded it, else to the
one whose network holds its source or destination address.`,
		Example: `  pactwatch orgs import orgs.json`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			orgs, err := org.LoadFile(args[0])
			if err != nil {
				return err
			}
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			if err := st.PutOrganisations(cmd.Context(), orgs); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "imported %d organisations from %s\n", len(orgs), args[0])
			return nil
		},
	}
	cmd.AddCommand(imp)
	return cmd
}
